//===- mlir.cpp - fuzz the IR parser, verifiers and the pipeline ----------===//
//
// Any text as an .mlir file: parsed with the effnet dialect (which verifies
// every op), then lowered by the shared pipeline to groups with random
// weights, under a memory limit. Diagnostics are expected; crashes, aborts,
// leaks and timeouts are findings.
//
//===----------------------------------------------------------------------===//

#include "dialect/EffNet.h"
#include "models/Files.h"
#include "passes/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include <cstddef>
#include <cstdint>

using namespace mlir;
using namespace mlir::effnet;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static DialectRegistry *registry = [] {
    auto *registry = new DialectRegistry();
    registry->insert<EffNetDialect, func::FuncDialect>();
    return registry;
  }();
  MLIRContext context(*registry, MLIRContext::Threading::DISABLED);
  context.loadAllAvailableDialects();
  ScopedDiagnosticHandler quiet(&context, [](Diagnostic &) {});
  // MLIR's lexer reads the byte after the text, which must be a NUL: the
  // tools read files into NUL-terminated buffers, and so does this harness.
  std::string text(reinterpret_cast<const char *>(data), size);
  // As the tools do: text nested past MLIR parser's stack is refused first.
  if (llvm::Error err = checkTextNesting(text, "input", "fuzz.mlir")) {
    llvm::consumeError(std::move(err));
    return 0;
  }
  OwningOpRef<ModuleOp> module =
      parseSourceString<ModuleOp>(text, ParserConfig(&context));
  if (!module)
    return 0;
  PipelineOptions options;
  options.level = Level::Groups;
  // Small enough that a fuzzed shape cannot exhaust the fuzzer's memory.
  options.maxMemory = "1G";
  (void)runEffNetPipeline(*module, options, [](Level, double) {});
  return 0;
}
