//===- Stats.cpp - parameters and multiply-adds, at any level -------------===//

#include "passes/Passes.h"

#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

namespace mlir {
namespace effnet {
#define GEN_PASS_DEF_STATS
#include "passes/Passes.h.inc"
} // namespace effnet
} // namespace mlir

using namespace mlir;
using namespace mlir::effnet;

/// The name a location gives an op ("blocks.1.0.dw"), or "-".
static std::string layerName(Location loc) {
  if (auto name = dyn_cast<NameLoc>(loc))
    return name.getName().str();
  if (auto fused = dyn_cast<FusedLoc>(loc))
    for (Location inner : fused.getLocations())
      if (auto name = dyn_cast<NameLoc>(inner))
        return name.getName().str();
  return "-";
}

ModelStats mlir::effnet::computeStats(func::FuncOp func) {
  ModelStats stats;
  stats.function = func.getName().str();
  func.walk([&](CostOpInterface op) {
    StatsRow row;
    row.layer = layerName(op->getLoc());
    row.op = op->getName().getStringRef().str();
    llvm::raw_string_ostream type(row.type);
    type << op->getResult(0).getType();
    row.params = op.getParameterCount();
    row.macs = op.getMacCount();
    stats.params += row.params;
    stats.macs += row.macs;
    stats.rows.push_back(std::move(row));
  });
  return stats;
}

void mlir::effnet::printStats(llvm::raw_ostream &os, const ModelStats &stats,
                              bool perOp) {
  if (perOp) {
    os << llvm::formatv("{0,-28} {1,-20} {2,-30} {3,12} {4,14}\n", "layer",
                        "op", "result", "params", "macs");
    for (const StatsRow &row : stats.rows)
      os << llvm::formatv("{0,-28} {1,-20} {2,-30} {3,12} {4,14}\n", row.layer,
                          row.op, row.type, row.params, row.macs);
  }
  os << "params: " << stats.params << "\n";
  os << "macs: " << stats.macs << "\n";
}

namespace {

class StatsPass : public effnet::impl::StatsBase<StatsPass> {
public:
  using StatsBase::StatsBase;

  LogicalResult initializeOptions(
      StringRef text,
      function_ref<LogicalResult(const Twine &)> errorHandler) override {
    if (failed(StatsBase::initializeOptions(text, errorHandler)))
      return failure();
    return checkOptionsGivenOnce(getArgument(), {&perOp},
                                 errorHandler);
  }

  void runOnOperation() override {
    for (auto func : getOperation().getOps<func::FuncOp>()) {
      if (func.isExternal())
        continue;
      ModelStats stats = computeStats(func);
      if (stats.rows.empty())
        continue;
      llvm::errs() << "effnet-stats @" << stats.function << "\n";
      printStats(llvm::errs(), stats, perOp);
    }
    markAllAnalysesPreserved();
  }
};

} // namespace
