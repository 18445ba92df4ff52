//===- BindWeights.cpp - values for effnet.weight ops ---------------------===//

#include "models/RandomWeights.h"
#include "models/Safetensors.h"
#include "models/WeightNames.h"
#include "passes/Passes.h"
#include "passes/RandomStatistics.h"

#include "llvm/ADT/StringSet.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/Interfaces/FunctionInterfaces.h"
#include "llvm/ADT/MapVector.h"
#include "llvm/ADT/SmallPtrSet.h"
#include "llvm/ADT/StringExtras.h"

#include <optional>
#include <string>

namespace mlir {
namespace effnet {
#define GEN_PASS_DEF_BINDWEIGHTS
#include "passes/Passes.h.inc"
} // namespace effnet
} // namespace mlir

using namespace mlir;
using namespace mlir::effnet;

namespace {

/// Where the values come from, once the options are checked.
struct WeightSource {
  /// Set when values come from a file.
  std::optional<SafetensorsFile> file;
  /// How the file's tensors are named.
  WeightNaming naming = WeightNaming::Canonical;
  /// The seed when values are random.
  uint64_t seed = 0;
};

class BindWeightsPass : public effnet::impl::BindWeightsBase<BindWeightsPass> {
public:
  using BindWeightsBase::BindWeightsBase;

  LogicalResult initializeOptions(
      StringRef text,
      function_ref<LogicalResult(const Twine &)> errorHandler) override {
    if (failed(BindWeightsBase::initializeOptions(text, errorHandler)))
      return failure();
    return checkOptionsGivenOnce(getArgument(), {&file, &naming, &random, &allowUnused},
                                 errorHandler);
  }

  void runOnOperation() override;

private:
  FailureOr<WeightSource> resolveOptions();
  FailureOr<std::vector<float>> readValues(WeightOp weight,
                                           const WeightSource &source,
                                           const WeightNameMap &names);

  /// Names of the file's tensors that some weight read.
  llvm::StringSet<> tensorsRead;
  /// Names in the file of weights a backbone's pruning removed.
  llvm::StringSet<> tensorsPruned;
};

} // namespace

FailureOr<WeightSource> BindWeightsPass::resolveOptions() {
  auto fail = [&]() {
    return emitError(getOperation().getLoc()) << "effnet-bind-weights: ";
  };
  // Given means given: an empty file name or a negative seed is an error,
  // never "not given".
  bool fromFile = file.hasValue();
  bool fromSeed = random.hasValue();
  if (fromFile && fromSeed)
    return fail() << "give one of 'file' or 'random', not both";
  if (!fromFile && !fromSeed)
    return fail() << "give 'file' (a safetensors file) or 'random' (a seed)";
  std::optional<WeightNaming> givenNaming;
  if (naming.hasValue()) {
    givenNaming = lookupWeightNaming(naming);
    if (!givenNaming)
      return fail() << "unknown naming '" << naming << "' (expected "
                    << listWeightNamings() << ")";
  }
  WeightSource source;
  if (fromSeed) {
    if (random < 0)
      return fail() << "expects 'random' to be a seed >= 0, got "
                    << static_cast<int64_t>(random);
    source.seed = static_cast<uint64_t>(random);
    return source;
  }
  llvm::Expected<SafetensorsFile> opened = SafetensorsFile::open(file);
  if (!opened)
    return fail() << llvm::toString(opened.takeError());
  source.file.emplace(std::move(*opened));
  if (givenNaming) {
    source.naming = *givenNaming;
    return source;
  }
  // Not given: the tensors' names say.
  llvm::Expected<WeightNaming> detected =
      detectWeightNaming(source.file->names());
  if (!detected)
    return fail() << source.file->getPath() << ": "
                  << llvm::toString(detected.takeError()) << "; give 'naming'";
  source.naming = *detected;
  emitRemark(getOperation().getLoc())
      << "effnet-bind-weights: naming '" << getWeightNamingName(*detected)
      << "' detected from the tensor names in " << source.file->getPath();
  return source;
}

FailureOr<std::vector<float>>
BindWeightsPass::readValues(WeightOp weight, const WeightSource &source,
                            const WeightNameMap &names) {
  auto type = cast<RankedTensorType>(weight.getType());
  if (!source.file)
    return randomWeight(weight.getName(), type.getShape(), source.seed);
  auto fail = [&](llvm::Error error) {
    return weight.emitOpError() << "cannot bind '" << weight.getName()
                                << "': " << llvm::toString(std::move(error));
  };
  llvm::Expected<std::string> tensorName = names.lookup(weight.getName());
  if (!tensorName)
    return fail(tensorName.takeError());
  llvm::Expected<std::vector<float>> values =
      source.file->getF32(*tensorName, type.getShape());
  if (!values)
    return fail(values.takeError());
  tensorsRead.insert(*tensorName);
  return std::move(*values);
}

/// A resource key from a weight name: the name itself for canonical names,
/// which are already identifiers; anything else becomes `_`, so that the
/// printed IR parses again whatever the weight is called.
static std::string blobName(StringRef weightName) {
  std::string key;
  for (char c : weightName)
    key += llvm::isAlnum(c) || c == '_' || c == '.' ? c : '_';
  if (key.empty() || !(llvm::isAlpha(key[0]) || key[0] == '_'))
    key.insert(0, "w_");
  return key;
}

void BindWeightsPass::runOnOperation() {
  FailureOr<WeightSource> source = resolveOptions();
  if (failed(source))
    return signalPassFailure();

  // Names in a file depend on the parts each block has, so each model
  // (function) gets a name map learnt from all of its own weights.
  llvm::MapVector<Operation *, SmallVector<WeightOp>> models;
  getOperation().walk([&](WeightOp weight) {
    Operation *model =
        weight->getParentOfType<FunctionOpInterface>().getOperation();
    models[model].push_back(weight);
  });

  for (auto &[model, weights] : models) {
    // The weights of what a backbone no longer computes (its classifier,
    // the blocks after its last output) are in the file but not read.
    SmallVector<StringRef> pruned;
    if (auto attr = model->getAttrOfType<ArrayAttr>(kPrunedWeightsAttrName))
      for (auto name : attr.getAsRange<StringAttr>())
        pruned.push_back(name.getValue());
    SmallVector<StringRef> canonical(pruned);
    for (WeightOp weight : weights)
      canonical.push_back(weight.getName());
    llvm::Expected<WeightNameMap> names =
        WeightNameMap::create(source->naming, canonical);
    if (!names) {
      model->emitError() << "effnet-bind-weights: "
                         << llvm::toString(names.takeError());
      return signalPassFailure();
    }
    for (StringRef name : pruned) {
      if (llvm::Expected<std::string> mapped = names->lookup(name))
        tensorsPruned.insert(*mapped);
      else
        llvm::consumeError(mapped.takeError());
    }
    auto bind = [&](WeightOp weight, ArrayRef<float> values) {
      auto type = cast<RankedTensorType>(weight.getType());
      weight.setValueAttr(DenseResourceElementsAttr::get(
          type, blobName(weight.getName()),
          HeapAsmResourceBlob::allocateAndCopyInferAlign(values)));
      ++numWeightsBound;
    };
    // Random batch-norm statistics and dense layers' biases are derived
    // from the weights in front (RandomStatistics.cpp): they wait for those.
    llvm::SmallPtrSet<Operation *, 32> derived;
    auto derive = [&](Value value) {
      if (auto weight = value ? value.getDefiningOp<WeightOp>() : WeightOp())
        if (!weight.getValueAttr())
          derived.insert(weight);
    };
    if (!source->file) {
      model->walk([&](BatchNormOp norm) {
        derive(norm.getMean());
        derive(norm.getVariance());
      });
      model->walk([&](DenseOp dense) { derive(dense.getBias()); });
    }
    // Binds the unbound weights but those still to derive.
    auto bindRest = [&](ArrayRef<WeightOp> unbound, bool skipDerived) {
      for (WeightOp weight : unbound) {
        if (weight.getValueAttr() ||
            (skipDerived && derived.contains(weight)))
          continue;
        FailureOr<std::vector<float>> values =
            readValues(weight, *source, *names);
        if (failed(values))
          return failure();
        bind(weight, *values);
      }
      return success();
    };
    if (failed(bindRest(weights, /*skipDerived=*/true)))
      return signalPassFailure();
    if (!derived.empty()) {
      deriveRandomStatistics(
          model, source->seed,
          [&](WeightOp weight) {
            return derived.contains(weight) && !weight.getValueAttr();
          },
          bind);
      // What could not be derived is drawn as before.
      if (failed(bindRest(weights, /*skipDerived=*/false)))
        return signalPassFailure();
    }
  }

  // A file with tensors nothing reads is most likely another variant's or
  // another class count's: binding part of it would compile the wrong model.
  if (source->file && !allowUnused) {
    std::vector<StringRef> unused;
    for (StringRef name : source->file->names())
      if (!tensorsRead.contains(name) && !tensorsPruned.contains(name) &&
          source->file->find(name)->dtype == SafetensorsDType::F32)
        unused.push_back(name);
    if (!unused.empty()) {
      emitError(getOperation().getLoc())
          << "effnet-bind-weights: " << source->file->getPath() << " holds "
          << unused.size() << " F32 tensor" << (unused.size() == 1 ? "" : "s")
          << " this model does not read, such as '" << unused.front()
          << "' (weights of another variant? allow-unused=true accepts them)";
      return signalPassFailure();
    }
  }
}
