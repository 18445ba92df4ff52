//===- KernelRuns.cpp - one kernel compiled and run on its own ------------===//

#include "tune/KernelRuns.h"

#include "llvm/Support/Error.h"
#include "llvm/Support/FileSystem.h"

#include <fmt/core.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <random>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using namespace mlir::effnet;
using namespace mlir::effnet::tune;

std::string tune::runInChild(const RunSetup &setup,
                             const std::function<std::string()> &body) {
  std::string messageFile = setup.workDir + "/child-message.txt";
  llvm::sys::fs::remove(messageFile);
  fflush(nullptr);
  pid_t pid = fork();
  if (pid < 0)
    return "fork failed";
  if (pid == 0) {
    std::string message = body();
    if (!message.empty()) {
      std::ofstream(messageFile) << message;
      _exit(1);
    }
    _exit(0);
  }
  auto start = std::chrono::steady_clock::now();
  int status = 0;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() - start >
        std::chrono::seconds(setup.limitSeconds)) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      return fmt::format("took more than {} s", setup.limitSeconds);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  if (WIFSIGNALED(status))
    return fmt::format("died of signal {}", WTERMSIG(status));
  if (WEXITSTATUS(status) == 0)
    return "";
  std::ifstream in(messageFile);
  std::string message((std::istreambuf_iterator<char>(in)),
                      std::istreambuf_iterator<char>());
  return message.empty() ? "failed" : message;
}

int tune::runShell(const RunSetup &setup, const std::string &command,
                   std::string &output) {
  std::string file = setup.workDir + "/shell-output.txt";
  std::string line = fmt::format("timeout -s KILL {} {} > {} 2>&1",
                                 setup.limitSeconds, command, file);
  int status = std::system(line.c_str());
  std::ifstream in(file);
  output.assign((std::istreambuf_iterator<char>(in)),
                std::istreambuf_iterator<char>());
  while (!output.empty() && output.back() == '\n')
    output.pop_back();
  if (status == -1)
    return 127;
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

std::string tune::compileInChild(const RunSetup &setup,
                                 const codegen::KernelSpec &spec,
                                 const std::string &function,
                                 const codegen::TargetDescription &target,
                                 const std::string &object) {
  std::string key;
  if (setup.cache) {
    key = codegen::KernelCache::kernelKey(spec.key, function, target.halide);
    if (setup.cache->fetch(key, object))
      return "";
  }
  std::string message = runInChild(setup, [&] {
    codegen::FrontEndOrder order;
    return llvm::toString(
        codegen::compileKernel(spec, function, target, object, 0, order));
  });
  if (message.empty() && setup.cache)
    setup.cache->store(key, object);
  return message;
}

std::string tune::prepareRunner(const RunSetup &setup,
                                const codegen::TargetDescription &target) {
  std::string runtime = setup.workDir + "/runtime.o";
  std::string runnerObject = setup.workDir + "/runner.o";
  std::string runtimeKey;
  if (setup.cache)
    runtimeKey = codegen::KernelCache::runtimeKey(target.halide);
  if (!setup.cache || !setup.cache->fetch(runtimeKey, runtime)) {
    if (std::string message = runInChild(setup, [&] {
          return llvm::toString(codegen::compileRuntime(target, runtime));
        });
        !message.empty())
      return "the Halide runtime: " + message;
    if (setup.cache)
      setup.cache->store(runtimeKey, runtime);
  }
  std::string output;
  if (runShell(setup,
               fmt::format("{} -O1 -c -I{} {} -o {}", setup.cc,
                           EFFNET_HALIDE_INCLUDE_DIR, EFFNET_RUNNER_SOURCE,
                           runnerObject),
               output))
    return "cannot compile the runner: " + output;
  // The libraries' pool, which the runner runs kernels' loops on, compiled
  // for the target as the libraries' runtime is (codegen/CMakeLists.txt):
  // by clang, freestanding.
  if (runShell(setup,
               fmt::format("{} -target {} -O2 -std=c11 -ffreestanding "
                           "-nostdlibinc -isystem {}/include -I{} -fPIC -c {} "
                           "-o {}/pool.o",
                           EFFNET_CLANG, target.triple, EFFNET_RUNTIME_DIR,
                           EFFNET_HALIDE_INCLUDE_DIR, EFFNET_POOL_SOURCE,
                           setup.workDir),
               output))
    return "cannot compile the pool: " + output;
  return "";
}

/// The weights of a kernel, the same values whatever its schedule: seeded
/// random values per weight, and for Winograd the transform of the direct
/// convolution's (winogradWeights), so that both compute one function.
static std::vector<std::vector<float>>
weightsOf(const codegen::KernelSpec &spec, uint64_t seed) {
  std::vector<std::vector<float>> out;
  for (size_t i = 0; i < spec.weights.size(); ++i) {
    int64_t count = spec.weights[i].elements();
    bool winograd = i == 0 && spec.schedule.winograd;
    if (winograd)
      count = spec.conv.outChannels * spec.conv.inChannels * 9;
    std::mt19937_64 rng(seed * 1000003 + i);
    std::vector<float> values(count);
    for (float &v : values)
      v = std::uniform_real_distribution<float>(-1, 1)(rng);
    out.push_back(winograd ? codegen::winogradWeights(values, spec.conv)
                           : values);
  }
  return out;
}

void tune::describeArguments(const codegen::KernelSpec &spec, uint64_t seed,
                             const std::string &prefix) {
  std::string text;
  auto line = [&](const char *kind, bool u8,
                  const std::vector<codegen::BufferDim> &dims) {
    text += fmt::format("{} {} {}", kind, u8 ? "u8" : "f32", dims.size());
    for (const codegen::BufferDim &d : dims)
      text += fmt::format(" {} {}", d.extent,
                          d.stride == codegen::kRuntimeStride ? 0 : d.stride);
  };
  for (const codegen::TensorShape &input : spec.inputs) {
    line("in", input.rgb8, codegen::getBufferDims(input));
    text += "\n";
  }
  std::vector<std::vector<float>> values = weightsOf(spec, seed);
  for (size_t i = 0; i < spec.weights.size(); ++i) {
    std::string file = fmt::format("{}-w{}.bin", prefix, i);
    std::ofstream(file, std::ios::binary)
        .write(reinterpret_cast<const char *>(values[i].data()),
               static_cast<std::streamsize>(values[i].size() * sizeof(float)));
    line("weight", false, codegen::getBufferDims(spec.weights[i]));
    text += " " + file + "\n";
  }
  line("out", false, codegen::getBufferDims(spec.output));
  text += "\n";
  std::ofstream(prefix + ".txt") << text;
}

RunResult tune::runAgainstReference(const RunSetup &setup,
                                    const std::string &referenceObject,
                                    const std::string &candidateObject,
                                    uint64_t seed, const Timing &timing,
                                    std::string &harnessError) {
  RunResult result;
  std::string program = setup.workDir + "/run";
  std::string output;
  if (runShell(setup,
               fmt::format("{} {}/runner.o {}/pool.o {} {} {}/runtime.o -o {} "
                           "-lpthread -ldl -lm",
                           setup.cc, setup.workDir, setup.workDir,
                           referenceObject, candidateObject, setup.workDir,
                           program),
               output)) {
    harnessError = "cannot link a run: " + output;
    return result;
  }
  std::string timingArguments =
      timing.rounds ? fmt::format(" {} {}", timing.rounds, timing.calls) : "";
  int status = runShell(
      setup,
      fmt::format("{} {} {}/candidate.txt {}/reference.txt {}{}", setup.runner,
                  program, setup.workDir, setup.workDir, seed,
                  timingArguments),
      output);
  // The runner's last line says what differed, or which run died.
  std::string last = output.substr(output.rfind('\n') + 1);
  if (status == 0) {
    result.kind = RunResult::Kind::Agrees;
    result.message = last;
    size_t at = output.find("time: ");
    if (timing.rounds &&
        (at == std::string::npos ||
         std::sscanf(output.c_str() + at, "time: %lf %lf",
                     &result.candidateMs, &result.referenceMs) != 2)) {
      result.kind = RunResult::Kind::Failed;
      result.message = "the run printed no times: " + last;
    }
    return result;
  }
  result.kind =
      status == 1 ? RunResult::Kind::Differs : RunResult::Kind::Failed;
  result.message = status == 1 ? last
                   : status > 128
                       ? fmt::format("the run died of signal {} in the {}",
                                     status - 128, last)
                       : fmt::format("the run failed ({}): {}", status, last);
  return result;
}
