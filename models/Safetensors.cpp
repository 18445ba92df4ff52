//===- Safetensors.cpp - the safetensors reader ---------------------------===//

#include "models/Safetensors.h"
#include "models/Files.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/Endian.h"
#include "llvm/Support/SwapByteOrder.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cstring>
#include <optional>

using namespace mlir;
using namespace mlir::effnet;
using llvm::StringRef;

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
  llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      readInputFile(path, kMaxFileSize, "weights file",
                    /*requiresNullTerminator=*/false);
  if (!buffer)
    return buffer.takeError();
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
                                   "tensor " + quoteForMessage(name) + ": " + message);
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
    return fail("unknown dtype " + quoteForMessage(*dtypeName));
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

/// How deeply the arrays and objects of `header` nest, counted without
/// recursion (outside strings), so that a hostile header cannot overflow the
/// stack of a recursive parser.
static size_t getNestingDepth(StringRef header) {
  size_t depth = 0, deepest = 0;
  for (size_t i = 0; i < header.size(); ++i) {
    char c = header[i];
    if (c == '{' || c == '[') {
      deepest = std::max(deepest, ++depth);
    } else if ((c == '}' || c == ']') && depth > 0) {
      --depth;
    } else if (c == '"') {
      for (++i; i < header.size() && header[i] != '"'; ++i)
        if (header[i] == '\\')
          ++i;
    }
  }
  return deepest;
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

  // A header is an object of tensor objects holding arrays: three levels.
  // llvm::json recurses once per level, so deeper nesting is refused before
  // it parses.
  if (size_t depth = getNestingDepth(header); depth > kMaxHeaderDepth)
    return error(llvm::formatv("header nests {0} levels deep, more than the "
                               "{1} a safetensors header may",
                               depth, kMaxHeaderDepth));
  llvm::Expected<llvm::json::Value> json = llvm::json::parse(header);
  if (!json)
    return error("header is not valid JSON: " + toString(json.takeError()));
  const llvm::json::Object *root = json->getAsObject();
  if (!root)
    return error("header is not a JSON object");
  if (std::optional<std::string> twice = findDuplicateKey(header))
    return error("header holds key " + quoteForMessage(*twice) + " twice in one object");

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
          return error("__metadata__ entry " + quoteForMessage(entry.first) +
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
      return error("tensors " + quoteForMessage(previous->name) + " and " +
                   quoteForMessage(tensor->name) + " overlap");
    if (tensor->begin > expected) {
      if (!previous)
        return error(llvm::formatv("data section starts with {0} bytes that "
                                   "no tensor holds, before tensor {1}",
                                   tensor->begin, quoteForMessage(tensor->name)));
      return error(llvm::formatv("tensors {0} and {1} leave a gap of {2} bytes",
                                 quoteForMessage(previous->name), quoteForMessage(tensor->name),
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
                               data.size() - covered, quoteForMessage(previous->name)));
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
    return error("no tensor " + quoteForMessage(name));
  if (tensor->dtype != SafetensorsDType::F32)
    return error("tensor " + quoteForMessage(name) + " is " +
                 getDTypeName(tensor->dtype) + ", expected F32");
  if (llvm::ArrayRef<int64_t>(tensor->shape) != shape)
    return error("tensor " + quoteForMessage(name) + " has shape " +
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

llvm::Error mlir::effnet::writeSafetensors(
    StringRef path, llvm::ArrayRef<F32Tensor> tensors,
    const std::map<std::string, std::string> &metadata) {
  llvm::json::Object header;
  if (!metadata.empty()) {
    llvm::json::Object entries;
    for (const auto &[key, value] : metadata)
      entries[key] = value;
    header["__metadata__"] = std::move(entries);
  }
  uint64_t offset = 0;
  for (const F32Tensor &tensor : tensors) {
    uint64_t bytes = tensor.values.size() * sizeof(float);
    llvm::json::Array shape;
    for (int64_t dim : tensor.shape)
      shape.push_back(dim);
    header[tensor.name] = llvm::json::Object{
        {"dtype", "F32"},
        {"shape", std::move(shape)},
        {"data_offsets", llvm::json::Array{offset, offset + bytes}}};
    offset += bytes;
  }
  std::string text;
  llvm::raw_string_ostream os(text);
  os << llvm::json::Value(std::move(header));
  os.flush();
  // The data starts 8-byte aligned, as the format's writers keep it.
  text.append((8 - text.size() % 8) % 8, ' ');

  std::string temporary = (path + ".partial").str();
  auto fail = [&](const llvm::Twine &what) {
    llvm::sys::fs::remove(temporary);
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "cannot write " + path + ": " + what);
  };
  std::error_code ec;
  {
    llvm::raw_fd_ostream out(temporary, ec);
    if (ec)
      return fail(ec.message());
    char length[8];
    llvm::support::endian::write64le(length, text.size());
    out.write(length, sizeof(length));
    out << text;
    for (const F32Tensor &tensor : tensors) {
      if (llvm::sys::IsLittleEndianHost) {
        out.write(reinterpret_cast<const char *>(tensor.values.data()),
                  tensor.values.size() * sizeof(float));
        continue;
      }
      for (float value : tensor.values) {
        char bytes[4];
        uint32_t bits;
        std::memcpy(&bits, &value, sizeof(bits));
        llvm::support::endian::write32le(bytes, bits);
        out.write(bytes, sizeof(bytes));
      }
    }
    out.close();
    if (out.has_error()) {
      std::string message = out.error().message();
      out.clear_error();
      return fail(message);
    }
  }
  if (std::error_code renamed = llvm::sys::fs::rename(temporary, path))
    return fail(renamed.message());
  return llvm::Error::success();
}
