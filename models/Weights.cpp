//===- Weights.cpp - weight files, torchvision names, random weights ------===//

#include "models/Weights.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <optional>

using namespace mlir;
using namespace mlir::effnet;
using llvm::StringRef;

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

/// `'name'`, with anything unprintable escaped so that a message stays on one
/// line whatever a file calls its tensors.
static std::string quote(StringRef name) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << '\'';
  llvm::printEscapedString(name, os);
  os << '\'';
  return text;
}

/// `[32, 3, 3, 3]`.
static std::string formatShape(llvm::ArrayRef<int64_t> shape) {
  std::string text = "[";
  llvm::raw_string_ostream os(text);
  llvm::interleave(shape, os, ", ");
  os << ']';
  return text;
}

static constexpr SafetensorsDType kDTypes[] = {
    SafetensorsDType::F64,     SafetensorsDType::F32,
    SafetensorsDType::F16,     SafetensorsDType::BF16,
    SafetensorsDType::I64,     SafetensorsDType::I32,
    SafetensorsDType::I16,     SafetensorsDType::I8,
    SafetensorsDType::U8,      SafetensorsDType::BOOL,
    SafetensorsDType::F8_E4M3, SafetensorsDType::F8_E5M2,
    SafetensorsDType::U16,     SafetensorsDType::U32,
    SafetensorsDType::U64};

StringRef mlir::effnet::getDTypeName(SafetensorsDType dtype) {
  switch (dtype) {
  case SafetensorsDType::F64:
    return "F64";
  case SafetensorsDType::F32:
    return "F32";
  case SafetensorsDType::F16:
    return "F16";
  case SafetensorsDType::BF16:
    return "BF16";
  case SafetensorsDType::I64:
    return "I64";
  case SafetensorsDType::I32:
    return "I32";
  case SafetensorsDType::I16:
    return "I16";
  case SafetensorsDType::I8:
    return "I8";
  case SafetensorsDType::U8:
    return "U8";
  case SafetensorsDType::BOOL:
    return "BOOL";
  case SafetensorsDType::F8_E4M3:
    return "F8_E4M3";
  case SafetensorsDType::F8_E5M2:
    return "F8_E5M2";
  case SafetensorsDType::U16:
    return "U16";
  case SafetensorsDType::U32:
    return "U32";
  case SafetensorsDType::U64:
    return "U64";
  }
  llvm_unreachable("unknown safetensors dtype");
}

uint64_t mlir::effnet::getDTypeSize(SafetensorsDType dtype) {
  switch (dtype) {
  case SafetensorsDType::F64:
  case SafetensorsDType::I64:
  case SafetensorsDType::U64:
    return 8;
  case SafetensorsDType::F32:
  case SafetensorsDType::I32:
  case SafetensorsDType::U32:
    return 4;
  case SafetensorsDType::F16:
  case SafetensorsDType::BF16:
  case SafetensorsDType::I16:
  case SafetensorsDType::U16:
    return 2;
  case SafetensorsDType::I8:
  case SafetensorsDType::U8:
  case SafetensorsDType::BOOL:
  case SafetensorsDType::F8_E4M3:
  case SafetensorsDType::F8_E5M2:
    return 1;
  }
  llvm_unreachable("unknown safetensors dtype");
}

static std::optional<SafetensorsDType> parseDType(StringRef name) {
  for (SafetensorsDType dtype : kDTypes)
    if (getDTypeName(dtype) == name)
      return dtype;
  return std::nullopt;
}

//===----------------------------------------------------------------------===//
// SafetensorsFile
//===----------------------------------------------------------------------===//

llvm::Error SafetensorsFile::error(const llvm::Twine &message) const {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 path + ": " + message);
}

llvm::Expected<SafetensorsFile> SafetensorsFile::open(StringRef path) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                  /*RequiresNullTerminator=*/false);
  if (!buffer)
    return llvm::createStringError(buffer.getError(),
                                   path + ": " + buffer.getError().message());
  return fromBuffer(std::move(*buffer), path);
}

llvm::Expected<SafetensorsFile>
SafetensorsFile::fromBuffer(std::unique_ptr<llvm::MemoryBuffer> buffer,
                            StringRef path) {
  SafetensorsFile file(std::move(buffer), path.str());
  if (llvm::Error err = file.parse())
    return std::move(err);
  return std::move(file);
}

/// Reads one tensor's header entry; `dataSize` bounds its offsets.
static llvm::Expected<SafetensorsTensor>
parseTensorEntry(StringRef name, const llvm::json::Value &entry,
                 uint64_t dataSize) {
  auto fail = [&](const llvm::Twine &message) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "tensor " + quote(name) + ": " + message);
  };
  const llvm::json::Object *object = entry.getAsObject();
  if (!object)
    return fail("entry is not a JSON object");
  SafetensorsTensor tensor;
  tensor.name = name.str();

  const llvm::json::Value *dtype = object->get("dtype");
  if (!dtype)
    return fail("missing dtype");
  std::optional<StringRef> dtypeName = dtype->getAsString();
  if (!dtypeName)
    return fail("dtype is not a string");
  std::optional<SafetensorsDType> parsed = parseDType(*dtypeName);
  if (!parsed)
    return fail("unknown dtype " + quote(*dtypeName));
  tensor.dtype = *parsed;

  const llvm::json::Value *shape = object->get("shape");
  if (!shape)
    return fail("missing shape");
  const llvm::json::Array *dims = shape->getAsArray();
  if (!dims)
    return fail("shape is not an array");
  for (auto [index, dim] : llvm::enumerate(*dims)) {
    std::optional<uint64_t> size = dim.getAsUINT64();
    if (!size) {
      std::optional<int64_t> signedSize = dim.getAsInteger();
      if (signedSize && *signedSize < 0)
        return fail(llvm::formatv("shape dimension {0} is negative ({1})",
                                  index, *signedSize));
      return fail(
          llvm::formatv("shape dimension {0} is not an integer", index));
    }
    if (*size > uint64_t(std::numeric_limits<int64_t>::max()))
      return fail(llvm::formatv("shape dimension {0} is too large ({1})", index,
                                *size));
    tensor.shape.push_back(static_cast<int64_t>(*size));
  }

  const llvm::json::Value *offsets = object->get("data_offsets");
  if (!offsets)
    return fail("missing data_offsets");
  const llvm::json::Array *pair = offsets->getAsArray();
  std::optional<uint64_t> begin, end;
  if (pair && pair->size() == 2) {
    begin = (*pair)[0].getAsUINT64();
    end = (*pair)[1].getAsUINT64();
  }
  if (!begin || !end)
    return fail("data_offsets is not a pair of non-negative integers");
  tensor.begin = *begin;
  tensor.end = *end;
  std::string range = llvm::formatv("[{0}, {1}]", *begin, *end);
  if (*begin > *end)
    return fail("data_offsets " + range + " begin after they end");
  if (*end > dataSize)
    return fail(llvm::formatv(
        "data_offsets {0} run past the end of the data section ({1} bytes)",
        range, dataSize));

  std::string typed =
      (getDTypeName(tensor.dtype) + " shape " + formatShape(tensor.shape))
          .str();
  bool overflowed = false;
  uint64_t bytes = getDTypeSize(tensor.dtype);
  for (int64_t dim : tensor.shape) {
    bool step = false;
    bytes = llvm::SaturatingMultiply(bytes, uint64_t(dim), &step);
    overflowed |= step;
  }
  if (overflowed)
    return fail(typed + " overflows a 64-bit byte count");
  if (*end - *begin != bytes)
    return fail(llvm::formatv("data_offsets {0} hold {1} bytes, but {2} needs "
                              "{3}",
                              range, *end - *begin, typed, bytes));
  return tensor;
}

/// The first key that an object of `header`, valid JSON, holds twice.
/// llvm::json keeps one of them silently, but a header naming a tensor (or a
/// tensor's dtype) twice is ambiguous, so the raw text is scanned for them.
static std::optional<std::string> findDuplicateKey(StringRef header) {
  // The keys of each enclosing object; arrays push none.
  std::vector<std::optional<llvm::StringSet<>>> scopes;
  for (size_t i = 0; i < header.size(); ++i) {
    char c = header[i];
    if (c == '{') {
      scopes.emplace_back(llvm::StringSet<>());
    } else if (c == '[') {
      scopes.emplace_back(std::nullopt);
    } else if ((c == '}' || c == ']') && !scopes.empty()) {
      scopes.pop_back();
    } else if (c == '"') {
      size_t start = i;
      for (++i; i < header.size() && header[i] != '"'; ++i)
        if (header[i] == '\\')
          ++i;
      StringRef rest = header.drop_front(i + 1).ltrim(" \t\n\r");
      if (scopes.empty() || !scopes.back() || !rest.starts_with(":"))
        continue;
      // Decode escapes as the parser did, so `"\u0061"` and `"a"` are one key.
      llvm::Expected<llvm::json::Value> key =
          llvm::json::parse(header.slice(start, i + 1));
      if (!key) {
        llvm::consumeError(key.takeError());
        continue;
      }
      std::string text = key->getAsString()->str();
      if (!scopes.back()->insert(text).second)
        return text;
    }
  }
  return std::nullopt;
}

llvm::Error SafetensorsFile::parse() {
  StringRef bytes = buffer->getBuffer();
  if (bytes.size() < 8)
    return error(llvm::formatv("file holds {0} bytes, fewer than the 8 of the "
                               "header length",
                               bytes.size()));
  uint64_t headerSize = llvm::support::endian::read64le(bytes.data());
  if (headerSize > kMaxHeaderSize)
    return error(llvm::formatv("header length {0} exceeds the limit of {1} "
                               "bytes",
                               headerSize, kMaxHeaderSize));
  if (headerSize > bytes.size() - 8)
    return error(llvm::formatv("header length {0} runs past the end of the "
                               "file ({1} bytes)",
                               headerSize, bytes.size()));
  StringRef header = bytes.substr(8, headerSize);
  data = bytes.drop_front(8 + headerSize);

  llvm::Expected<llvm::json::Value> json = llvm::json::parse(header);
  if (!json)
    return error("header is not valid JSON: " + toString(json.takeError()));
  const llvm::json::Object *root = json->getAsObject();
  if (!root)
    return error("header is not a JSON object");
  if (std::optional<std::string> twice = findDuplicateKey(header))
    return error("header holds key " + quote(*twice) + " twice in one object");

  // Walk the keys in order, so that the first error reported does not depend
  // on the JSON object's hashing.
  std::vector<StringRef> keys;
  for (const auto &entry : *root)
    keys.push_back(entry.first);
  llvm::sort(keys);

  for (StringRef key : keys) {
    const llvm::json::Value &value = *root->get(key);
    if (key == "__metadata__") {
      const llvm::json::Object *entries = value.getAsObject();
      if (!entries)
        return error("__metadata__ is not a JSON object");
      for (const auto &entry : *entries) {
        std::optional<StringRef> text = entry.second.getAsString();
        if (!text)
          return error("__metadata__ entry " + quote(entry.first) +
                       " is not a string");
        metadata[entry.first.str()] = text->str();
      }
      continue;
    }
    llvm::Expected<SafetensorsTensor> tensor =
        parseTensorEntry(key, value, data.size());
    if (!tensor)
      return error(toString(tensor.takeError()));
    tensors.push_back(std::move(*tensor));
  }

  // The tensors must cover the data section exactly: each begins where the
  // one before it ends, and the last ends where the file does.
  std::vector<const SafetensorsTensor *> byOffset;
  for (const SafetensorsTensor &tensor : tensors)
    byOffset.push_back(&tensor);
  llvm::stable_sort(byOffset, [](const SafetensorsTensor *a,
                                 const SafetensorsTensor *b) {
    return std::make_pair(a->begin, a->end) < std::make_pair(b->begin, b->end);
  });
  const SafetensorsTensor *previous = nullptr;
  for (const SafetensorsTensor *tensor : byOffset) {
    uint64_t expected = previous ? previous->end : 0;
    if (tensor->begin < expected)
      return error("tensors " + quote(previous->name) + " and " +
                   quote(tensor->name) + " overlap");
    if (tensor->begin > expected) {
      if (!previous)
        return error(llvm::formatv("data section starts with {0} bytes that "
                                   "no tensor holds, before tensor {1}",
                                   tensor->begin, quote(tensor->name)));
      return error(llvm::formatv("tensors {0} and {1} leave a gap of {2} bytes",
                                 quote(previous->name), quote(tensor->name),
                                 tensor->begin - expected));
    }
    previous = tensor;
  }
  uint64_t covered = previous ? previous->end : 0;
  if (covered < data.size()) {
    if (!previous)
      return error(llvm::formatv("data section holds {0} bytes, but the "
                                 "header names no tensor",
                                 data.size()));
    return error(llvm::formatv("data section holds {0} bytes after the end of "
                               "its last tensor {1}",
                               data.size() - covered, quote(previous->name)));
  }
  return llvm::Error::success();
}

std::vector<StringRef> SafetensorsFile::names() const {
  std::vector<StringRef> result;
  for (const SafetensorsTensor &tensor : tensors)
    result.push_back(tensor.name);
  return result;
}

const SafetensorsTensor *SafetensorsFile::find(StringRef name) const {
  auto it = llvm::partition_point(tensors, [&](const SafetensorsTensor &t) {
    return StringRef(t.name) < name;
  });
  if (it == tensors.end() || it->name != name)
    return nullptr;
  return &*it;
}

llvm::Expected<std::vector<float>>
SafetensorsFile::getF32(StringRef name, llvm::ArrayRef<int64_t> shape) const {
  const SafetensorsTensor *tensor = find(name);
  if (!tensor)
    return error("no tensor " + quote(name));
  if (tensor->dtype != SafetensorsDType::F32)
    return error("tensor " + quote(name) + " is " +
                 getDTypeName(tensor->dtype) + ", expected F32");
  if (llvm::ArrayRef<int64_t>(tensor->shape) != shape)
    return error("tensor " + quote(name) + " has shape " +
                 formatShape(tensor->shape) + ", expected " +
                 formatShape(shape));
  // The data section need not be aligned for floats: read each one as bytes.
  uint64_t count = (tensor->end - tensor->begin) / 4;
  std::vector<float> values(count);
  const char *bytes = data.data() + tensor->begin;
  for (uint64_t i = 0; i < count; ++i) {
    uint32_t bits = llvm::support::endian::read32le(bytes + 4 * i);
    std::memcpy(&values[i], &bits, sizeof(float));
  }
  return values;
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

static bool isConvBnParam(StringRef param) {
  return llvm::is_contained({"conv.weight", "bn.weight", "bn.bias",
                             "bn.running_mean", "bn.running_var"},
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
    return fail(quote(canonical) + " is not a canonical weight name");
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
    return fail("block " + quote(parsed->block) +
                " is not among the model's weights");
  const auto *position = llvm::find(parts->second, parsed->part);
  if (position == parts->second.end())
    return fail("block " + quote(parsed->block) + " has no part " +
                quote(parsed->part) + " among the model's weights");
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

//===----------------------------------------------------------------------===//
// Random weights
//===----------------------------------------------------------------------===//

namespace {

/// SplitMix64: tiny, fast, and defined to the bit, unlike the std::
/// distributions whose output differs between standard libraries.
class SplitMix64 {
public:
  explicit SplitMix64(uint64_t state) : state(state) {}

  uint64_t next() {
    uint64_t z = (state += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  /// Uniform in [lo, hi): 24 random bits, exact in a float.
  float uniform(double lo, double hi) {
    double unit = static_cast<double>(next() >> 40) * 0x1.0p-24;
    return static_cast<float>(lo + (hi - lo) * unit);
  }

private:
  uint64_t state;
};

} // namespace

/// FNV-1a: each weight gets its own stream, independent of the order in which
/// weights are drawn.
static uint64_t hashName(StringRef name) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (unsigned char c : name.bytes()) {
    hash ^= c;
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

std::vector<float> mlir::effnet::randomWeight(StringRef name,
                                              llvm::ArrayRef<int64_t> shape,
                                              uint64_t seed) {
  double lo, hi;
  if (name.ends_with(".running_var") || name.ends_with("bn.weight")) {
    lo = 0.5;
    hi = 1.5;
  } else if (name.ends_with(".running_mean") || name.ends_with(".bias")) {
    lo = -0.2;
    hi = 0.2;
  } else {
    // A scalar has no dimension to drop: its fan-in is the empty product.
    uint64_t fanIn = 1;
    for (int64_t dim : shape.drop_front(shape.empty() ? 0 : 1))
      fanIn *= static_cast<uint64_t>(std::max<int64_t>(dim, 0));
    double bound =
        std::sqrt(3.0 / static_cast<double>(std::max<uint64_t>(fanIn, 1)));
    lo = -bound;
    hi = bound;
  }
  uint64_t count = 1;
  for (int64_t dim : shape)
    count *= static_cast<uint64_t>(std::max<int64_t>(dim, 0));
  // Mixing the seed through one SplitMix64 step keeps nearby seeds apart.
  SplitMix64 seedMixer(seed);
  SplitMix64 generator(hashName(name) ^ seedMixer.next());
  std::vector<float> values(count);
  for (float &value : values)
    value = generator.uniform(lo, hi);
  return values;
}
