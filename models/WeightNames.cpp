//===- WeightNames.cpp - canonical weight names and their maps ------------===//

#include "models/WeightNames.h"
#include "models/Files.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FormatVariadic.h"

#include <array>
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
// Naming schemes
//===----------------------------------------------------------------------===//

namespace {
/// A scheme's name, and its names of what is not in a block (the block
/// parts are named by blockLayers).
struct NamingInfo {
  WeightNaming naming;
  StringRef name;
  /// The first components of its tensor names.
  std::array<StringRef, 6> roots;
  /// The stem's convolution and batch norm.
  StringRef stemConv, stemBn;
  /// The head's convolution and batch norm, `{0}` standing for the index
  /// after the last stage's, and its classifier.
  StringRef headConv, headBn, classifier;
};
} // namespace

/// In the order detection prefers them, where names fit several. torchvision:
/// features.0 is the stem, features.(S+1) stage S, then the head; each a
/// Sequential of convolution and norm, classifier.1 after a Dropout.
/// EfficientNet-PyTorch: efficientnet_pytorch/model.py, EfficientNet. timm:
/// timm/models/efficientnet.py, EfficientNet.
static const NamingInfo kNamings[] = {
    {WeightNaming::Torchvision,
     "torchvision",
     {"features", "classifier"},
     "features.0.0",
     "features.0.1",
     "features.{0}.0",
     "features.{0}.1",
     "classifier.1"},
    {WeightNaming::EfficientNetPyTorch,
     "efficientnet-pytorch",
     {"_conv_stem", "_bn0", "_blocks", "_conv_head", "_bn1", "_fc"},
     "_conv_stem",
     "_bn0",
     "_conv_head",
     "_bn1",
     "_fc"},
    {WeightNaming::Timm,
     "timm",
     {"conv_stem", "bn1", "blocks", "conv_head", "bn2", "classifier"},
     "conv_stem",
     "bn1",
     "conv_head",
     "bn2",
     "classifier"},
    {WeightNaming::Canonical,
     "canonical",
     {"stem", "blocks", "head"},
     "",
     "",
     "",
     "",
     ""},
};

llvm::ArrayRef<WeightNaming> mlir::effnet::getWeightNamings() {
  static const WeightNaming namings[] = {
      WeightNaming::Torchvision, WeightNaming::EfficientNetPyTorch,
      WeightNaming::Timm, WeightNaming::Canonical};
  return namings;
}

static const NamingInfo &getInfo(WeightNaming naming) {
  return *llvm::find_if(
      kNamings, [&](const NamingInfo &info) { return info.naming == naming; });
}

StringRef mlir::effnet::getWeightNamingName(WeightNaming naming) {
  return getInfo(naming).name;
}

std::optional<WeightNaming> mlir::effnet::lookupWeightNaming(StringRef name) {
  for (const NamingInfo &info : kNamings)
    if (info.name == name)
      return info.naming;
  return std::nullopt;
}

/// "'a', 'b' or 'c'" of `namings`' names.
static std::string listNamings(llvm::ArrayRef<WeightNaming> namings) {
  std::string text;
  for (auto [i, naming] : llvm::enumerate(namings)) {
    if (i > 0)
      text += i + 1 == namings.size() ? " or " : ", ";
    text += "'" + getWeightNamingName(naming).str() + "'";
  }
  return text;
}

std::string mlir::effnet::listWeightNamings() {
  return listNamings(getWeightNamings());
}

llvm::Expected<WeightNaming>
mlir::effnet::detectWeightNaming(llvm::ArrayRef<StringRef> tensorNames) {
  auto fits = [](WeightNaming naming, StringRef name) {
    StringRef root = name.split('.').first;
    return !root.empty() && llvm::is_contained(getInfo(naming).roots, root);
  };
  llvm::SmallVector<WeightNaming, 4> candidates(getWeightNamings());
  for (StringRef name : tensorNames) {
    llvm::SmallVector<WeightNaming, 4> fitting;
    for (WeightNaming naming : candidates)
      if (fits(naming, name))
        fitting.push_back(naming);
    if (fitting.empty()) {
      bool known = llvm::any_of(getWeightNamings(), [&](WeightNaming naming) {
        return fits(naming, name);
      });
      return llvm::createStringError(
          llvm::inconvertibleErrorCode(),
          "tensor " + quoteForMessage(name) + " fits no naming " +
              (known ? "that the tensors before it fit (" +
                           listNamings(candidates) + ")"
                     : "(known: " + listWeightNamings() + ")"));
    }
    candidates = std::move(fitting);
  }
  return candidates.front();
}

//===----------------------------------------------------------------------===//
// WeightNameMap
//===----------------------------------------------------------------------===//

namespace {

/// A canonical name taken apart: `blocks.S.B.PART.PARAM`, `stem.PARAM` or
/// `head.PARAM`.
struct CanonicalName {
  enum Unit { Stem, Block, Head } unit;
  int64_t stage = -1;
  int64_t index = -1; // B
  std::string block;  // `blocks.S.B`
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
  parsed.index = *block;
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

/// The two layers a part of a block (or the stem, or the head's
/// convolution) holds, named in a scheme: the convolution and its batch
/// norm, or squeeze-excite's reduce and expand convolutions.
struct LayerPair {
  std::string first;
  std::string second;
};

/// `conv.X` or `reduce.X` -> `FIRST.X`, `bn.X` or `expand.X` -> `SECOND.X`.
static std::string nameIn(const LayerPair &layers, StringRef param) {
  auto [layer, rest] = param.split('.');
  bool first = layer == kConv || layer == kSqueeze;
  return (first ? layers.first : layers.second) + "." + rest.str();
}

/// timm's layers for `part` of a block with `parts`: the names follow the
/// block type timm builds (timm/models/_efficientnet_blocks.py):
/// InvertedResidual (expand, dw), DepthwiseSeparableConv (dw only),
/// EdgeResidual (fused with expansion), ConvBnAct (fused without).
static LayerPair timmLayers(StringRef part, llvm::ArrayRef<std::string> parts) {
  bool expands = llvm::is_contained(parts, "expand");
  bool depthwise = llvm::is_contained(parts, "dw");
  if (part == "se")
    return {"se.conv_reduce", "se.conv_expand"};
  if (part == "expand")
    return depthwise ? LayerPair{"conv_pw", "bn1"}
                     : LayerPair{"conv_exp", "bn1"};
  if (part == "dw")
    return expands ? LayerPair{"conv_dw", "bn2"} : LayerPair{"conv_dw", "bn1"};
  // project
  if (depthwise)
    return expands ? LayerPair{"conv_pwl", "bn3"} : LayerPair{"conv_pw", "bn2"};
  return expands ? LayerPair{"conv_pwl", "bn2"} : LayerPair{"conv", "bn1"};
}

/// EfficientNet-PyTorch's layers for `part` (efficientnet_pytorch/model.py,
/// MBConvBlock).
static LayerPair efficientNetPyTorchLayers(StringRef part) {
  if (part == "expand")
    return {"_expand_conv", "_bn0"};
  if (part == "dw")
    return {"_depthwise_conv", "_bn1"};
  if (part == "se")
    return {"_se_reduce", "_se_expand"};
  return {"_project_conv", "_bn2"};
}

llvm::Expected<WeightNameMap>
WeightNameMap::create(WeightNaming naming,
                      llvm::ArrayRef<StringRef> canonicalNames) {
  WeightNameMap map(naming);
  llvm::StringMap<llvm::SmallVector<StringRef, 4>> seen;
  std::vector<std::pair<int64_t, int64_t>> order;
  for (StringRef name : canonicalNames) {
    std::optional<CanonicalName> parsed = parseCanonical(name);
    if (!parsed || parsed->unit != CanonicalName::Block)
      continue;
    map.numStages = std::max(map.numStages, parsed->stage + 1);
    auto [entry, inserted] = seen.try_emplace(parsed->block);
    if (inserted)
      order.emplace_back(parsed->stage, parsed->index);
    if (!llvm::is_contained(entry->second, parsed->part))
      entry->second.push_back(parsed->part);
  }
  llvm::sort(order);
  for (auto [index, position] : llvm::enumerate(order)) {
    std::string name =
        llvm::formatv("blocks.{0}.{1}", position.first, position.second).str();
    const llvm::SmallVector<StringRef, 4> &parts = seen[name];
    if (naming == WeightNaming::EfficientNetPyTorch &&
        !llvm::is_contained(parts, "dw"))
      return llvm::createStringError(
          llvm::inconvertibleErrorCode(),
          "efficientnet-pytorch names EfficientNet-B models only, and block " +
              quoteForMessage(name) +
              " is a Fused-MBConv block (EfficientNetV2): give another "
              "naming");
    Block &block = map.blocks[name];
    block.index = index;
    for (StringRef part : kPartOrder)
      if (llvm::is_contained(parts, part))
        block.parts.push_back(part.str());
  }
  return map;
}

llvm::Expected<std::string> WeightNameMap::lookup(StringRef canonical) const {
  if (naming == WeightNaming::Canonical)
    return canonical.str();
  auto fail = [&](const llvm::Twine &message) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
  };
  std::optional<CanonicalName> parsed = parseCanonical(canonical);
  if (!parsed)
    return fail(quoteForMessage(canonical) + " is not a canonical weight name");
  const NamingInfo &info = getInfo(naming);
  switch (parsed->unit) {
  case CanonicalName::Stem:
    return nameIn({info.stemConv.str(), info.stemBn.str()}, parsed->param);
  case CanonicalName::Head: {
    if (parsed->param.consume_front("classifier."))
      return (info.classifier + "." + parsed->param).str();
    auto afterStages = [&](StringRef pattern) {
      return llvm::formatv(pattern.str().c_str(), numStages + 1).str();
    };
    return nameIn({afterStages(info.headConv), afterStages(info.headBn)},
                  parsed->param);
  }
  case CanonicalName::Block:
    break;
  }
  auto block = blocks.find(parsed->block);
  if (block == blocks.end())
    return fail("block " + quoteForMessage(parsed->block) +
                " is not among the model's weights");
  const llvm::SmallVector<std::string, 4> &parts = block->second.parts;
  const auto *position = llvm::find(parts, parsed->part);
  if (position == parts.end())
    return fail("block " + quoteForMessage(parsed->block) + " has no part " +
                quoteForMessage(parsed->part) + " among the model's weights");
  StringRef blockIndex = StringRef(parsed->block).rsplit('.').second;
  LayerPair layers;
  std::string prefix;
  switch (naming) {
  case WeightNaming::Torchvision: {
    // blocks.S.B -> features.(S+1).B.block.I; squeeze-excite's layers are
    // fc1 and fc2, the others a Sequential of the convolution and the norm.
    prefix = llvm::formatv("features.{0}.{1}.block.{2}.", parsed->stage + 1,
                           blockIndex, position - parts.begin());
    layers =
        parsed->part == "se" ? LayerPair{"fc1", "fc2"} : LayerPair{"0", "1"};
    break;
  }
  case WeightNaming::EfficientNetPyTorch:
    prefix = llvm::formatv("_blocks.{0}.", block->second.index).str();
    layers = efficientNetPyTorchLayers(parsed->part);
    break;
  case WeightNaming::Timm:
    prefix = parsed->block + ".";
    layers = timmLayers(parsed->part, parts);
    break;
  case WeightNaming::Canonical:
    llvm_unreachable("canonical names map to themselves");
  }
  return prefix + nameIn(layers, parsed->param);
}
