//===- WeightNames.cpp - canonical weight names and their maps ------------===//

#include "models/WeightNames.h"
#include "models/Files.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"

#include <optional>

using namespace mlir;
using namespace mlir::effnet;
using llvm::StringRef;

//===----------------------------------------------------------------------===//
// The scheme
//===----------------------------------------------------------------------===//

using namespace mlir::effnet::weight_name;

std::string mlir::effnet::makeWeightName(StringRef owner, StringRef layer,
                                         StringRef param) {
  return (owner + "." + layer + "." + param).str();
}

WeightNameParts mlir::effnet::splitWeightName(StringRef name) {
  WeightNameParts parts;
  auto [front, param] = name.rsplit('.');
  if (param.empty() && front == name)
    return {"", "", name};
  parts.param = param;
  std::tie(parts.owner, parts.layer) = front.rsplit('.');
  if (parts.layer.empty() && parts.owner == front)
    std::swap(parts.owner, parts.layer);
  return parts;
}

std::string mlir::effnet::getWeightOwner(StringRef name) {
  WeightNameParts parts = splitWeightName(name);
  if (!parts.owner.empty() && (parts.layer == kConv || parts.layer == kFolded))
    return parts.owner.str();
  if (!parts.layer.empty())
    return name.drop_back(parts.param.size() + 1).str();
  return name.str();
}

//===----------------------------------------------------------------------===//
// TorchvisionNameMap
//===----------------------------------------------------------------------===//

namespace {

/// A canonical name taken apart: `blocks.S.B.PART.PARAM`, `stem.PARAM` or
/// `head.PARAM`.
struct CanonicalName {
  enum Unit { Stem, Block, Head } unit;
  int64_t stage = -1;
  std::string block; // `blocks.S.B`
  StringRef part;    // expand, dw, se, project; "" for stem and head
  StringRef param;   // conv.weight, bn.running_var, reduce.bias, ...
};

} // namespace

/// Block parts in torchvision's order inside `block`.
static constexpr StringRef kPartOrder[] = {"expand", "dw", "se", "project"};

/// A decimal index spelled as Python prints it: digits, no leading zero.
static std::optional<int64_t> parseIndex(StringRef text) {
  int64_t value;
  if (text.empty() || text.getAsInteger(10, value) || value < 0 ||
      std::to_string(value) != text)
    return std::nullopt;
  return value;
}

/// `conv.weight` or `bn.PARAM`: what a convolution with batch norm holds.
static bool isConvBnParam(StringRef layerAndParam) {
  auto [layer, param] = layerAndParam.split('.');
  if (layer == kConv)
    return param == kWeight;
  return layer == kBatchNorm &&
         llvm::is_contained({kWeight, kBias, kRunningMean, kRunningVar},
                            param);
}

static std::optional<CanonicalName> parseCanonical(StringRef name) {
  CanonicalName parsed;
  if (name.consume_front("stem.")) {
    parsed.unit = CanonicalName::Stem;
    parsed.param = name;
    if (!isConvBnParam(name))
      return std::nullopt;
    return parsed;
  }
  if (name.consume_front("head.")) {
    parsed.unit = CanonicalName::Head;
    parsed.param = name;
    if (!isConvBnParam(name) && name != "classifier.weight" &&
        name != "classifier.bias")
      return std::nullopt;
    return parsed;
  }
  if (!name.consume_front("blocks."))
    return std::nullopt;
  parsed.unit = CanonicalName::Block;
  auto [stageText, rest] = name.split('.');
  auto [blockText, partAndParam] = rest.split('.');
  std::optional<int64_t> stage = parseIndex(stageText);
  std::optional<int64_t> block = parseIndex(blockText);
  if (!stage || !block)
    return std::nullopt;
  parsed.stage = *stage;
  parsed.block = ("blocks." + stageText + "." + blockText).str();
  std::tie(parsed.part, parsed.param) = partAndParam.split('.');
  if (parsed.part == "se") {
    if (!llvm::is_contained(
            {"reduce.weight", "reduce.bias", "expand.weight", "expand.bias"},
            parsed.param))
      return std::nullopt;
    return parsed;
  }
  if (!llvm::is_contained(kPartOrder, parsed.part) ||
      !isConvBnParam(parsed.param))
    return std::nullopt;
  return parsed;
}

/// `conv.weight` -> `0.weight`, `bn.X` -> `1.X`: torchvision's
/// Conv2dNormActivation is a Sequential of the convolution and the norm.
static std::string convBnSuffix(StringRef param) {
  if (param == "conv.weight")
    return "0.weight";
  return ("1." + param.drop_front(strlen("bn."))).str();
}

TorchvisionNameMap::TorchvisionNameMap(
    llvm::ArrayRef<StringRef> canonicalNames) {
  llvm::StringMap<llvm::SmallVector<StringRef, 4>> seen;
  for (StringRef name : canonicalNames) {
    std::optional<CanonicalName> parsed = parseCanonical(name);
    if (!parsed || parsed->unit != CanonicalName::Block)
      continue;
    numStages = std::max(numStages, parsed->stage + 1);
    llvm::SmallVector<StringRef, 4> &parts = seen[parsed->block];
    if (!llvm::is_contained(parts, parsed->part))
      parts.push_back(parsed->part);
  }
  for (const auto &entry : seen) {
    llvm::SmallVector<std::string, 4> &ordered = blockParts[entry.first()];
    for (StringRef part : kPartOrder)
      if (llvm::is_contained(entry.second, part))
        ordered.push_back(part.str());
  }
}

llvm::Expected<std::string>
TorchvisionNameMap::lookup(StringRef canonical) const {
  auto fail = [&](const llvm::Twine &message) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
  };
  std::optional<CanonicalName> parsed = parseCanonical(canonical);
  if (!parsed)
    return fail(quoteForMessage(canonical) + " is not a canonical weight name");
  switch (parsed->unit) {
  case CanonicalName::Stem:
    return "features.0." + convBnSuffix(parsed->param);
  case CanonicalName::Head:
    if (parsed->param.consume_front("classifier."))
      return ("classifier.1." + parsed->param).str();
    return llvm::formatv("features.{0}.{1}", numStages + 1,
                         convBnSuffix(parsed->param))
        .str();
  case CanonicalName::Block:
    break;
  }
  auto parts = blockParts.find(parsed->block);
  if (parts == blockParts.end())
    return fail("block " + quoteForMessage(parsed->block) +
                " is not among the model's weights");
  const auto *position = llvm::find(parts->second, parsed->part);
  if (position == parts->second.end())
    return fail("block " + quoteForMessage(parsed->block) + " has no part " +
                quoteForMessage(parsed->part) + " among the model's weights");
  // blocks.S.B -> features.(S+1).B.block.I
  StringRef blockIndex = StringRef(parsed->block).rsplit('.').second;
  std::string prefix =
      llvm::formatv("features.{0}.{1}.block.{2}.", parsed->stage + 1,
                    blockIndex, position - parts->second.begin());
  if (parsed->part == "se") {
    StringRef param = parsed->param;
    bool reduce = param.consume_front("reduce.");
    if (!reduce)
      param.consume_front("expand.");
    return prefix + (reduce ? "fc1." : "fc2.") + param.str();
  }
  return prefix + convBnSuffix(parsed->param);
}
