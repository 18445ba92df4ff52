//===- DescribeGroups.cpp - print each group's structure ------------------===//
//
// The test seam of analyzeGroup (dialect/GroupStructure.cpp): what lit sees
// is what the verifier, effnet-tile and the plan read.
//
//===----------------------------------------------------------------------===//

#include "passes/Passes.h"

#include "llvm/Support/raw_ostream.h"

namespace mlir {
namespace effnet {
#define GEN_PASS_DEF_DESCRIBEGROUPS
#include "passes/Passes.h.inc"
} // namespace effnet
} // namespace mlir

using namespace mlir;
using namespace mlir::effnet;

namespace {

class DescribeGroupsPass
    : public effnet::impl::DescribeGroupsBase<DescribeGroupsPass> {
public:
  using DescribeGroupsBase::DescribeGroupsBase;

  void runOnOperation() override {
    getOperation().walk([](GroupOp group) {
      llvm::outs() << "group " << group.getName() << ": "
                   << describeGroupStructure(analyzeGroup(group)) << "\n";
    });
    markAllAnalysesPreserved();
  }
};

} // namespace
