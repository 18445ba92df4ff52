//===- Files.cpp - reading input files with bounds -------------------------===//

#include "models/Files.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/Twine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;
using namespace mlir::effnet;
using llvm::StringRef;

static llvm::Error fail(StringRef what, StringRef path,
                        const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 what + " '" + path + "' " + message);
}

/// Standard input, read in chunks until its end or until it holds more than
/// `maxBytes`: a pipe has no size to check first.
static llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>>
readStandardInput(uint64_t maxBytes, StringRef what) {
  llvm::SmallString<4096> bytes;
  constexpr size_t kChunk = 1 << 16;
  for (;;) {
    size_t size = bytes.size();
    bytes.resize_for_overwrite(size + kChunk);
    llvm::Expected<size_t> got = llvm::sys::fs::readNativeFile(
        llvm::sys::fs::getStdinHandle(),
        llvm::MutableArrayRef<char>(bytes.data() + size, kChunk));
    if (!got)
      return fail(what, "-", "cannot be read: " + toString(got.takeError()));
    bytes.truncate(size + *got);
    if (bytes.size() > maxBytes)
      return fail(what, "-",
                  "holds more than the " + formatBytes(maxBytes) +
                      " that may be read");
    if (*got == 0)
      break;
  }
  return llvm::MemoryBuffer::getMemBufferCopy(bytes, "<stdin>");
}

llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>>
mlir::effnet::readInputFile(StringRef path, uint64_t maxBytes, StringRef what,
                            bool requiresNullTerminator) {
  if (path.empty())
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "the " + what + " name is empty");
  if (path == "-")
    return readStandardInput(maxBytes, what);
  // Status first, so that a device or a FIFO is never opened for reading.
  llvm::sys::fs::file_status status;
  if (std::error_code error = llvm::sys::fs::status(path, status))
    return fail(what, path, "cannot be read: " + error.message());
  if (status.type() == llvm::sys::fs::file_type::directory_file)
    return fail(what, path, "is a directory");
  if (status.type() != llvm::sys::fs::file_type::regular_file)
    return fail(what, path,
                "is not a regular file (a device, a pipe or a socket cannot "
                "be read whole)");
  if (status.getSize() > maxBytes)
    return fail(what, path,
                "holds " + formatBytes(status.getSize()) + ", more than the " +
                    formatBytes(maxBytes) + " that may be read");
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                  requiresNullTerminator);
  if (!buffer)
    return fail(what, path, "cannot be read: " + buffer.getError().message());
  // The file may have grown between the status and the read.
  if ((*buffer)->getBufferSize() > maxBytes)
    return fail(what, path,
                "grew past the " + formatBytes(maxBytes) +
                    " that may be read while it was read");
  return std::move(*buffer);
}

llvm::Error mlir::effnet::checkTextNesting(StringRef text, StringRef what,
                                           StringRef path, unsigned maxDepth) {
  unsigned depth = 0;
  size_t line = 1;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    switch (c) {
    case '\n':
      ++line;
      break;
    case '"':
      // A string: up to the closing quote, escapes skipped.
      for (++i; i < text.size() && text[i] != '"' && text[i] != '\n'; ++i)
        if (text[i] == '\\')
          ++i;
      break;
    case '/':
      if (i + 1 < text.size() && text[i + 1] == '/')
        while (i + 1 < text.size() && text[i + 1] != '\n')
          ++i;
      break;
    case '-':
      if (i + 1 < text.size() && text[i + 1] == '>')
        ++i; // An arrow, not a closing bracket.
      break;
    case '(':
    case '[':
    case '{':
    case '<':
      if (++depth > maxDepth)
        return fail(what, path,
                    "nests brackets deeper than " + llvm::Twine(maxDepth) +
                        " levels (line " + llvm::Twine(line) + ")");
      break;
    case ')':
    case ']':
    case '}':
    case '>':
      if (depth > 0)
        --depth;
      break;
    default:
      break;
    }
  }
  return llvm::Error::success();
}

std::string mlir::effnet::formatBytes(uint64_t bytes) {
  static const char *const units[] = {"KiB", "MiB", "GiB", "TiB", "PiB",
                                      "EiB"};
  if (bytes < 1024)
    return llvm::formatv("{0} bytes", bytes).str();
  double value = static_cast<double>(bytes);
  int unit = -1;
  while (value >= 1024.0 && unit < 5) {
    value /= 1024.0;
    ++unit;
  }
  return llvm::formatv("{0:f1} {1}", value, units[unit]).str();
}

llvm::Expected<uint64_t> mlir::effnet::parseBytes(StringRef text) {
  auto fail = [&]() {
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        "expects a size such as 8G, 512M or 1000000 (bytes), got '" + text +
            "'");
  };
  StringRef rest = text.trim();
  uint64_t number = 0;
  if (rest.consumeInteger(10, number))
    return fail();
  rest = rest.trim();
  // Optional "B" / "iB" after the unit letter.
  if (rest.ends_with_insensitive("ib"))
    rest = rest.drop_back(2);
  else if (rest.size() > 1 && rest.ends_with_insensitive("b"))
    rest = rest.drop_back(1);
  else if (rest.equals_insensitive("b"))
    rest = "";
  int shift = 0;
  if (rest.size() > 1)
    return fail();
  if (!rest.empty()) {
    switch (llvm::toLower(rest[0])) {
    case 'k':
      shift = 10;
      break;
    case 'm':
      shift = 20;
      break;
    case 'g':
      shift = 30;
      break;
    case 't':
      shift = 40;
      break;
    case 'p':
      shift = 50;
      break;
    case 'e':
      shift = 60;
      break;
    default:
      return fail();
    }
  }
  if (number == 0 || number > (uint64_t(1) << (62 - shift)))
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        "expects a size of at least 1 byte and at most 4 EiB, got '" + text +
            "'");
  return number << shift;
}

std::string mlir::effnet::quoteForMessage(StringRef name) {
  std::string text;
  llvm::raw_string_ostream os(text);
  os << '\'';
  llvm::printEscapedString(name, os);
  os << '\'';
  return text;
}
