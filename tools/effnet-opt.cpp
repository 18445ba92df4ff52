//===- effnet-opt.cpp - run effnet passes on .mlir text -------------------===//
//
// mlir-opt with the effnet dialect, passes and pipeline, reading its input
// the way every effnet tool does: a regular file or standard input, of a
// bounded size, so that `effnet-opt /dev/zero` is an error, not a hang.
//
//===----------------------------------------------------------------------===//

#include "codegen/Codegen.h"
#include "dialect/EffNet.h"
#include "models/Files.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

/// The largest input read: IR with every weight of B7 inline as hex is about
/// 550 MB.
constexpr uint64_t kMaxInputBytes = uint64_t(1) << 30;

/// The first (by name) option that takes one value and was given more than
/// once: LLVM's cl::opt keeps the last of repeated values silently, so two
/// -o would write the second file alone. Lists (and the passes, a list) may
/// repeat; a flag said twice says the same.
static const llvm::cl::Option *findRepeatedOption() {
  const llvm::cl::Option *first = nullptr;
  for (const auto &entry : llvm::cl::getRegisteredOptions()) {
    const llvm::cl::Option *option = entry.second;
    if (entry.first() == option->ArgStr &&
        option->getNumOccurrencesFlag() == llvm::cl::Optional &&
        option->getValueExpectedFlag() == llvm::cl::ValueRequired &&
        option->getNumOccurrences() > 1 &&
        (!first || option->ArgStr < first->ArgStr))
      first = option;
  }
  return first;
}

int main(int argc, char **argv) {
  mlir::registerTransformsPasses();
  mlir::effnet::registerEffNetPassesAndPipeline();
  mlir::effnet::codegen::registerPlanPass();
  mlir::effnet::setHostTargetResolver(mlir::effnet::codegen::resolveHostTarget);
  mlir::DialectRegistry registry;
  registry.insert<mlir::effnet::EffNetDialect, mlir::func::FuncDialect>();
  auto [inputPath, outputPath] = mlir::registerAndParseCLIOptions(
      argc, argv, "EfficientNet compiler: pass driver\n", registry);
  if (const llvm::cl::Option *repeated = findRepeatedOption()) {
    llvm::errs() << "effnet-opt: error: "
                 << (repeated->ArgStr.size() == 1 ? "-" : "--")
                 << repeated->ArgStr << " is given "
                 << repeated->getNumOccurrences() << " times: give it once\n";
    return 1;
  }
  mlir::MlirOptMainConfig config =
      mlir::MlirOptMainConfig::createFromCLOptions();

  llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> input =
      mlir::effnet::readInputFile(inputPath, kMaxInputBytes, "input");
  if (!input) {
    llvm::errs() << "effnet-opt: error: " << llvm::toString(input.takeError())
                 << "\n";
    return 1;
  }
  if (llvm::Error err = mlir::effnet::checkTextNesting(
          (*input)->getBuffer(), "input", inputPath)) {
    llvm::errs() << "effnet-opt: error: " << llvm::toString(std::move(err))
                 << "\n";
    return 1;
  }
  std::string message;
  std::unique_ptr<llvm::ToolOutputFile> output =
      mlir::openOutputFile(outputPath, &message);
  if (!output) {
    llvm::errs() << "effnet-opt: error: " << message << "\n";
    return 1;
  }
  bool ran = mlir::succeeded(
      mlir::MlirOptMain(output->os(), std::move(*input), registry, config));
  // A failed write (/dev/full, a full disk) is one line; left set, the
  // stream's destructor would end the process with "LLVM ERROR: IO failure".
  output->os().close();
  if (output->os().has_error()) {
    llvm::errs() << "effnet-opt: error: cannot write '" << outputPath
                 << "': " << output->os().error().message() << "\n";
    output->os().clear_error();
    return 1;
  }
  if (!ran)
    return 1;
  // Only a complete result replaces the output file.
  output->keep();
  return 0;
}
