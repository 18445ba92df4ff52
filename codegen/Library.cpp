//===- Library.cpp - a library's steps, from the plan to NAME.a and NAME.h ===//
//
// emitLibrary in order: the options checked (Options.cpp), the plan, the
// kernels and Halide's runtime compiled into scratch files (CompileObjects.cpp,
// ScratchFiles.cpp), the driver (Driver.cpp), the archive (Archive.cpp) and
// the header (Header.cpp), with the time of each phase on stderr. printPlan
// and printDriver stop after the plan and the driver.
//
//===----------------------------------------------------------------------===//

#include "codegen/Library.h"
#include "codegen/Codegen.h"
#include "codegen/HalideNames.h"
#include "codegen/KernelCache.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <fmt/core.h>

#include <algorithm>
#include <optional>
#include <thread>

using namespace mlir::effnet::codegen;
using llvm::Error;

/// What every output of `func` is computed by: planModel's plan, with the
/// kernels of the 8-bit entries for a model of 3 input channels.
static llvm::Expected<ModelPlan> planLibrary(mlir::func::FuncOp func,
                                             const LibraryOptions &options,
                                             const TargetDescription &target) {
  mlir::FailureOr<ModelPlan> plan =
      planModel(func, options.halfWeights, target.gpu);
  if (mlir::failed(plan))
    return fail(""); // The diagnostic said it all.
  int64_t channels = plan->tensors[plan->inputTensor].shape.channels;
  if (channels != 3) {
    if (options.normalize)
      return fail(fmt::format("--normalize is for NAME_run_rgb8, which takes "
                              "RGB pixels: this model takes {} channels",
                              channels));
    return std::move(*plan);
  }
  llvm::Expected<PixelNormalization> normalization =
      parseNormalization(options.normalize.value_or("imagenet"));
  if (!normalization)
    return normalization.takeError();
  addPixelKernels(*plan, *normalization);
  // The image entries crop a square: a model of another shape has none.
  const TensorShape &input = plan->tensors[plan->inputTensor].shape;
  if (input.height != input.width)
    return std::move(*plan);
  if (options.resize && options.resize < input.height)
    return fail(fmt::format("--resize {} is below the resolution, {}: the "
                            "image entries crop {} x {} pixels from the "
                            "resized image",
                            options.resize, input.height, input.height,
                            input.width));
  if (options.resize > kMaxResize)
    return fail(fmt::format("--resize {} is above {}", options.resize,
                            kMaxResize));
  plan->image.resize = options.resize ? options.resize : input.height;
  plan->image.antialias = options.antialias;
  return std::move(*plan);
}

/// Each path's target, plan and kernel names, from `funcs` (tiled for
/// expandTargets(options.target), best first).
struct Paths {
  std::vector<TargetDescription> targets;
  std::vector<ModelPlan> plans;
  std::vector<DriverPath> driver;
};

/// The kernels' symbols: NAME_k0, NAME_k1, ... (in a portable library
/// NAME_LEVEL_k0, ..., LEVEL the path's widest vector extension).
static std::vector<std::string> getKernelNames(const ModelPlan &plan,
                                               const std::string &prefix) {
  std::vector<std::string> names;
  for (size_t k = 0; k < plan.kernels.size(); ++k)
    names.push_back(fmt::format("{}_k{}", prefix, k));
  return names;
}

/// A short name of a portable library's path: its widest x86 extension.
static std::string levelName(const std::string &target) {
  for (const char *level : {"avx512_sapphirerapids", "avx512_cannonlake",
                            "avx512_skylake", "avx512_knl", "avx512", "avx2",
                            "avx", "sse41"})
  {
    llvm::SmallVector<llvm::StringRef> features;
    llvm::StringRef(target).split(features, '-');
    if (llvm::is_contained(features, llvm::StringRef(level)))
      return level;
  }
  return "base";
}

static llvm::Expected<Paths> planPaths(llvm::ArrayRef<mlir::func::FuncOp> funcs,
                                       const LibraryOptions &options,
                                       const std::string &name) {
  llvm::Expected<std::vector<std::string>> targets =
      expandTargets(options.target);
  if (!targets)
    return targets.takeError();
  if (targets->size() != funcs.size())
    return fail(fmt::format("internal error: {} models for {} targets",
                            funcs.size(), targets->size()));
  Paths paths;
  for (size_t p = 0; p < funcs.size(); ++p) {
    llvm::Expected<TargetDescription> target = parseTarget((*targets)[p]);
    if (!target)
      return target.takeError();
    llvm::SmallVector<llvm::StringRef> features;
    llvm::StringRef(target->halide).split(features, '-');
    if (options.halfWeights && llvm::is_contained(features, "opencl"))
      return fail("--fp16-weights is for CPU and CUDA targets: OpenCL kernels "
                  "that read halves need the device's cl_khr_fp16, and "
                  "Halide 14's runtime aborts the process on a device "
                  "without it");
    llvm::Expected<ModelPlan> plan = planLibrary(funcs[p], options, *target);
    if (!plan)
      return plan.takeError();
    paths.targets.push_back(*target);
    paths.plans.push_back(std::move(*plan));
  }
  for (size_t p = 0; p < funcs.size(); ++p) {
    const TargetDescription &target = paths.targets[p];
    std::string prefix =
        funcs.size() > 1 ? name + "_" + levelName(target.halide) : name;
    paths.driver.push_back({&paths.plans[p], target.halide,
                            target.cpuFeatures,
                            getKernelNames(paths.plans[p], prefix)});
  }
  if (paths.targets.front().triple != paths.targets.back().triple)
    return fail("internal error: a library's targets differ in triple");
  return std::move(paths);
}

Error mlir::effnet::codegen::printPlan(llvm::ArrayRef<mlir::func::FuncOp> funcs,
                                       const LibraryOptions &options,
                                       llvm::raw_ostream &os) {
  llvm::Expected<Paths> paths = planPaths(funcs, options, "model");
  if (!paths)
    return paths.takeError();
  for (size_t p = 0; p < funcs.size(); ++p) {
    if (funcs.size() > 1)
      os << fmt::format("path {} of {}: {}\n", p + 1, funcs.size(),
                        paths->targets[p].halide);
    printPlan(os, paths->plans[p]);
  }
  return Error::success();
}

/// Every path's target, best first, separated by commas.
static std::string joinTargets(const Paths &paths) {
  std::string joined;
  for (const TargetDescription &target : paths.targets)
    joined += (joined.empty() ? "" : ",") + target.halide;
  return joined;
}

static ModelInfo getModelInfo(const LibraryOptions &options,
                              const std::string &name, const Paths &paths) {
  ModelInfo info;
  info.name = name;
  info.variant = options.variant;
  info.target = joinTargets(paths);
  info.inChannels = options.inChannels;
  info.resolution = options.resolution;
  info.numClasses = options.numClasses;
  return info;
}

Error mlir::effnet::codegen::printDriver(
    llvm::ArrayRef<mlir::func::FuncOp> funcs, const LibraryOptions &options,
    llvm::raw_ostream &os) {
  std::string name = llvm::sys::path::filename(options.output).str();
  if (std::string why = checkLibraryName(name); !why.empty())
    return fail(fmt::format("the library name '{}' {}", name, why));
  llvm::Expected<Paths> paths = planPaths(funcs, options, name);
  if (!paths)
    return paths.takeError();
  return printDriver(paths->driver, getModelInfo(options, name, *paths),
                     paths->targets.front().triple, os);
}

Error mlir::effnet::codegen::emitLibrary(
    llvm::ArrayRef<mlir::func::FuncOp> funcs, const LibraryOptions &options) {
  Clock::time_point start = Clock::now();
  if (Error err = checkOutputPath(options.output))
    return err;
  std::string name = llvm::sys::path::filename(options.output).str();
  llvm::SmallString<128> dir(options.output);
  llvm::sys::path::remove_filename(dir);
  if (dir.empty())
    dir = ".";
  if (std::error_code ec = llvm::sys::fs::create_directories(dir))
    return fail(
        fmt::format("cannot create '{}': {}", dir.str().str(), ec.message()));
  if (Error err = checkJobs(options.threads))
    return err;

  llvm::Expected<Paths> paths = planPaths(funcs, options, name);
  if (!paths)
    return paths.takeError();
  if (options.verbose)
    for (size_t p = 0; p < funcs.size(); ++p) {
      const ModelPlan &plan = paths->plans[p];
      fmt::print(stderr,
                 "effnetc: {} steps, {} distinct kernels, arena {:.1f} MiB, "
                 "weights {:.1f} MiB, target {}\n",
                 plan.steps.size(), plan.kernels.size(),
                 plan.arenaFloats * 4 / 1048576.0,
                 plan.weights.size() * 4 / 1048576.0, paths->targets[p].halide);
    }

  // Each object is a scratch file; the archive names its members as the
  // objects are named here (NAME_k0.o, ...), whatever the files' names.
  ScratchFiles scratch;
  std::vector<std::string> memberNames;
  auto scratchFile = [&](const std::string &file) {
    memberNames.push_back(file);
    return scratch.create(file);
  };
  std::vector<std::vector<std::string>> kernelObjects;
  size_t kernelCount = 0;
  for (const DriverPath &path : paths->driver) {
    kernelObjects.emplace_back();
    for (const std::string &kernel : path.kernelNames) {
      llvm::Expected<std::string> object = scratchFile(kernel + ".o");
      if (!object)
        return object.takeError();
      kernelObjects.back().push_back(std::move(*object));
    }
    kernelCount += path.kernelNames.size();
  }
  llvm::Expected<std::string> driverObject = scratchFile(name + "_driver.o");
  if (!driverObject)
    return driverObject.takeError();
  llvm::Expected<std::string> weightsObject =
      scratchFile(name + "_weights.o");
  if (!weightsObject)
    return weightsObject.takeError();
  llvm::Expected<std::string> runtimeObject = scratchFile(name + "_runtime.o");
  if (!runtimeObject)
    return runtimeObject.takeError();

  std::optional<KernelCache> cache;
  // An executable that does not export HalideNames.cpp's unique_name would
  // name a kernel after what the process compiled before it: its objects
  // must not be cached.
  if (!options.cacheDir.empty() && !haveKernelNames())
    return fail("internal error: Halide's unique names are not counted per "
                "kernel in this executable (codegen/HalideNames.cpp): use "
                "--no-cache");
  if (!options.cacheDir.empty()) {
    llvm::Expected<KernelCache> opened =
        KernelCache::open(options.cacheDir, options.cacheMaxBytes);
    if (opened)
      cache.emplace(std::move(*opened));
    else if (!options.cacheOptional)
      return opened.takeError();
    else if (options.verbose)
      fmt::print(stderr, "effnetc: compiling without a kernel cache: {}\n",
                 llvm::toString(opened.takeError()));
    else
      llvm::consumeError(opened.takeError());
  }

  // A thread per kernel and one for Halide's runtime are all that can work.
  unsigned threads = options.threads
                         ? options.threads
                         : std::max(1u, std::thread::hardware_concurrency());
  Clock::time_point compileStart = Clock::now();
  // Path by path (each path's front ends take turns in its kernels' order),
  // Halide's runtime with the first.
  for (size_t p = 0; p < funcs.size(); ++p) {
    const ModelPlan &plan = paths->plans[p];
    unsigned pathThreads = static_cast<unsigned>(
        std::min<size_t>(threads, plan.kernels.size() + (p == 0)));
    if (Error err = compileObjects(plan, paths->targets[p],
                                   paths->driver[p].kernelNames,
                                   kernelObjects[p],
                                   p == 0 ? *runtimeObject : "", pathThreads,
                                   options.verbose,
                                   cache ? &*cache : nullptr))
      return err;
  }
  if (options.verbose)
    fmt::print(stderr,
               "effnetc: kernels and runtime compiled in {:.2f} s on "
               "{} threads\n",
               secondsSince(compileStart),
               std::min<size_t>(threads, kernelCount + 1));

  Clock::time_point linkStart = Clock::now();
  ModelInfo info = getModelInfo(options, name, *paths);
  const std::string &triple = paths->targets.front().triple;
  if (Error err = emitDriverObject(paths->driver, info, triple, *driverObject,
                                   cache ? &*cache : nullptr))
    return err;
  double driverSeconds = secondsSince(linkStart);
  Clock::time_point weightsStart = Clock::now();
  if (Error err =
          emitWeightsObject(paths->driver, info, triple, *weightsObject))
    return err;
  double weightsSeconds = secondsSince(weightsStart);
  if (cache) {
    cache->trim();
    if (options.verbose)
      fmt::print(stderr,
                 "effnetc: {} of {} objects (kernels, runtime, driver) from "
                 "the kernel cache in {}, {} stored there\n",
                 cache->hits(), kernelCount + 2, cache->folder(),
                 cache->stores());
  }

  std::vector<std::string> objects;
  for (const std::vector<std::string> &path : kernelObjects)
    objects.insert(objects.end(), path.begin(), path.end());
  objects.push_back(*driverObject);
  objects.push_back(*weightsObject);
  objects.push_back(*runtimeObject);
  std::string archive = options.output + ".a";
  Clock::time_point archiveStart = Clock::now();
  if (Error err = archiveObjects(objects, memberNames, triple, archive))
    return err;
  double archiveSeconds = secondsSince(archiveStart);
  if (Error err = writeHeader(options.output + ".h", info, paths->plans.front(),
                              workspaceBytes(paths->driver)))
    return err;
  if (Error err = writePkgConfig(options.output + ".pc", info))
    return err;
  if (options.verbose)
    fmt::print(stderr,
               "effnetc: driver, weights and archive in {:.2f} s (driver "
               "{:.2f} s, weights {:.2f} s, archive {:.2f} s); wrote {} and "
               "{}.h ({:.2f} s in all)\n",
               secondsSince(linkStart), driverSeconds, weightsSeconds,
               archiveSeconds, archive, options.output, secondsSince(start));
  return Error::success();
}
