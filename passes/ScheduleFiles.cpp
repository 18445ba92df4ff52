//===- ScheduleFiles.cpp - reading and writing schedule files -------------===//
//
// A schedule file is text, a line per kernel: `CLASS KERNEL-KEY
// #effnet.schedule<...>` (docs/ARCHITECTURE.md, Schedules).
//
//===----------------------------------------------------------------------===//

#include "models/Files.h"
#include "passes/Passes.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MemoryBuffer.h"

using namespace mlir;
using namespace mlir::effnet;

static llvm::Error fail(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// Schedule files are text, a line per kernel: megabytes at most.
constexpr uint64_t kMaxScheduleFileBytes = 64 << 20;

/// Blanks between a line's fields: spaces and tabs alike.
constexpr llvm::StringLiteral kBlanks = " \t";

/// The first field of `line` (which starts with no blank) and the rest after
/// the blanks that follow it.
static std::pair<StringRef, StringRef> splitField(StringRef line) {
  size_t end = std::min(line.find_first_of(kBlanks), line.size());
  return {line.take_front(end), line.drop_front(end).ltrim(kBlanks)};
}

/// Where the attribute at the start of `text` ends: after the '>' that
/// closes its first '<', or at the first blank when it has none. What the
/// attribute parser would take beyond that (`: i32`, a trailing type) is
/// not the schedule's.
static size_t getAttributeEnd(StringRef text) {
  size_t open = text.find_first_of("< \t");
  if (open == StringRef::npos)
    return text.size();
  if (text[open] != '<')
    return open;
  int depth = 0;
  for (size_t i = open; i < text.size(); ++i) {
    if (text[i] == '<')
      ++depth;
    else if (text[i] == '>' && --depth == 0)
      return i + 1;
  }
  return text.size();
}

llvm::Expected<std::vector<ScheduleEntry>>
mlir::effnet::readScheduleFile(llvm::StringRef path, MLIRContext *context) {
  // Not /dev/zero, not a FIFO: schedule files are small text files.
  llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      readInputFile(path, kMaxScheduleFileBytes, "schedule file");
  if (!buffer)
    return buffer.takeError();
  if (llvm::Error err =
          checkTextNesting((*buffer)->getBuffer(), "schedule file", path))
    return std::move(err);
  std::vector<ScheduleEntry> entries;
  StringRef contents = (*buffer)->getBuffer();
  // A UTF-8 byte-order mark, as some editors write, is not part of the
  // first line.
  contents.consume_front("\xEF\xBB\xBF");
  SmallVector<StringRef> lines;
  contents.split(lines, '\n');
  for (auto [index, rawLine] : llvm::enumerate(lines)) {
    std::string where = (path + ":" + llvm::Twine(index + 1)).str();
    StringRef line = rawLine.trim();
    if (line.empty() || line.starts_with("#"))
      continue;
    auto [targetClass, rest] = splitField(line);
    auto [key, text] = splitField(rest);
    text = text.rtrim();
    if (targetClass.empty() || key.empty() || text.empty())
      return fail(where +
                  ": expected 'CLASS KERNEL-KEY #effnet.schedule<...>'");
    // Columns count bytes from 1, as compilers' messages do.
    auto column = [&](StringRef at) {
      return std::to_string(at.data() - rawLine.data() + 1);
    };
    auto unexpected = [&](StringRef trailing) {
      return fail(
          where + ":" + column(trailing) +
          ": unexpected text after the schedule: " + quoteForMessage(trailing));
    };
    size_t end = getAttributeEnd(text);
    if (StringRef trailing = text.drop_front(end).ltrim(kBlanks);
        !trailing.empty())
      return unexpected(trailing);
    text = text.take_front(end);
    std::string message;
    Attribute attr;
    size_t consumed = 0;
    {
      // The parser reports through the context; keep its first message.
      ScopedDiagnosticHandler handler(context, [&](Diagnostic &diag) {
        if (message.empty())
          message = diag.str();
        return mlir::success();
      });
      attr = parseAttribute(text, context, Type(), &consumed);
    }
    if (attr && consumed != text.size())
      return unexpected(text.drop_front(consumed).ltrim(kBlanks));
    auto schedule = dyn_cast_or_null<ScheduleAttr>(attr);
    if (!schedule)
      return fail(where + ": " +
                  (message.empty() ? "expected an #effnet.schedule" : message));
    entries.push_back({targetClass.str(), key.str(), schedule, where});
  }
  return entries;
}

void mlir::effnet::writeScheduleEntry(llvm::raw_ostream &os,
                                      const ScheduleEntry &entry) {
  os << entry.targetClass << " " << entry.key << " " << entry.schedule << "\n";
}
