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

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <fmt/core.h>

#include <algorithm>
#include <thread>

using namespace mlir::effnet::codegen;
using llvm::Error;

/// What every output of `func` is computed by: planModel's plan, with the
/// kernels of the 8-bit entries for a model of 3 input channels.
static llvm::Expected<ModelPlan> planLibrary(mlir::func::FuncOp func,
                                             const LibraryOptions &options) {
  mlir::FailureOr<ModelPlan> plan = planModel(func);
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
  return std::move(*plan);
}

Error mlir::effnet::codegen::printPlan(mlir::func::FuncOp func,
                                       const LibraryOptions &options,
                                       llvm::raw_ostream &os) {
  llvm::Expected<ModelPlan> plan = planLibrary(func, options);
  if (!plan)
    return plan.takeError();
  printPlan(os, *plan);
  return Error::success();
}

/// The kernels' symbols: NAME_k0, NAME_k1, ...
static std::vector<std::string> getKernelNames(const ModelPlan &plan,
                                               const std::string &name) {
  std::vector<std::string> names;
  for (size_t k = 0; k < plan.kernels.size(); ++k)
    names.push_back(fmt::format("{}_k{}", name, k));
  return names;
}

static ModelInfo getModelInfo(const LibraryOptions &options,
                              const std::string &name,
                              const TargetDescription &target) {
  ModelInfo info;
  info.name = name;
  info.variant = options.variant;
  info.target = target.halide;
  info.inChannels = options.inChannels;
  info.resolution = options.resolution;
  info.numClasses = options.numClasses;
  return info;
}

Error mlir::effnet::codegen::printDriver(mlir::func::FuncOp func,
                                         const LibraryOptions &options,
                                         llvm::raw_ostream &os) {
  std::string name = llvm::sys::path::filename(options.output).str();
  if (std::string why = checkLibraryName(name); !why.empty())
    return fail(fmt::format("the library name '{}' {}", name, why));
  llvm::Expected<TargetDescription> target = parseTarget(options.target);
  if (!target)
    return target.takeError();
  llvm::Expected<ModelPlan> plan = planLibrary(func, options);
  if (!plan)
    return plan.takeError();
  return printDriver(*plan, getModelInfo(options, name, *target),
                     getKernelNames(*plan, name), target->triple, os);
}

Error mlir::effnet::codegen::emitLibrary(mlir::func::FuncOp func,
                                         const LibraryOptions &options) {
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

  llvm::Expected<TargetDescription> target = parseTarget(options.target);
  if (!target)
    return target.takeError();

  llvm::Expected<ModelPlan> plan = planLibrary(func, options);
  if (!plan)
    return plan.takeError();
  if (options.verbose)
    fmt::print(stderr,
               "effnetc: {} steps, {} distinct kernels, arena {:.1f} MiB, "
               "weights {:.1f} MiB, target {}\n",
               plan->steps.size(), plan->kernels.size(),
               plan->arenaFloats * 4 / 1048576.0,
               plan->weights.size() * 4 / 1048576.0, target->halide);

  // Each object is a scratch file; the archive names its members as the
  // objects are named here (NAME_k0.o, ...), whatever the files' names.
  ScratchFiles scratch;
  std::vector<std::string> memberNames;
  auto scratchFile = [&](const std::string &file) {
    memberNames.push_back(file);
    return scratch.create(file);
  };
  std::vector<std::string> kernelNames = getKernelNames(*plan, name);
  std::vector<std::string> kernelObjects;
  for (const std::string &kernel : kernelNames) {
    llvm::Expected<std::string> object = scratchFile(kernel + ".o");
    if (!object)
      return object.takeError();
    kernelObjects.push_back(std::move(*object));
  }
  llvm::Expected<std::string> driverObject = scratchFile(name + "_driver.o");
  if (!driverObject)
    return driverObject.takeError();
  llvm::Expected<std::string> runtimeObject = scratchFile(name + "_runtime.o");
  if (!runtimeObject)
    return runtimeObject.takeError();

  if (Error err = checkJobs(options.threads))
    return err;
  // A thread per kernel and one for Halide's runtime are all that can work.
  unsigned threads = options.threads
                         ? options.threads
                         : std::max(1u, std::thread::hardware_concurrency());
  threads = static_cast<unsigned>(
      std::min<size_t>(threads, plan->kernels.size() + 1));
  Clock::time_point compileStart = Clock::now();
  if (Error err = compileObjects(*plan, *target, kernelNames, kernelObjects,
                                 *runtimeObject, threads, options.verbose))
    return err;
  if (options.verbose)
    fmt::print(stderr,
               "effnetc: kernels and runtime compiled in {:.2f} s on "
               "{} threads\n",
               secondsSince(compileStart), threads);

  Clock::time_point linkStart = Clock::now();
  ModelInfo info = getModelInfo(options, name, *target);
  if (Error err = emitDriverObject(*plan, info, kernelNames, target->triple,
                                   *driverObject))
    return err;

  std::vector<std::string> objects = kernelObjects;
  objects.push_back(*driverObject);
  objects.push_back(*runtimeObject);
  std::string archive = options.output + ".a";
  if (Error err = archiveObjects(objects, memberNames, target->triple, archive))
    return err;
  if (Error err = writeHeader(options.output + ".h", info, *plan))
    return err;
  if (options.verbose)
    fmt::print(stderr,
               "effnetc: driver, weights and archive in {:.2f} s; "
               "wrote {} and {}.h ({:.2f} s in all)\n",
               secondsSince(linkStart), archive, options.output,
               secondsSince(start));
  return Error::success();
}
