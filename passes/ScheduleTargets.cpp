//===- ScheduleTargets.cpp - what a target offers a schedule, schedule files
//
// The facts effnet-tile's defaults branch on (vector width, vector registers,
// L2 cache) from a Halide target string, and the text format of schedule
// files.
//
//===----------------------------------------------------------------------===//

#include "models/Files.h"
#include "passes/Passes.h"

#include "mlir/AsmParser/AsmParser.h"
#include "mlir/IR/Diagnostics.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/Triple.h"

using namespace mlir;
using namespace mlir::effnet;

namespace {

llvm::Error fail(const llvm::Twine &message) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), message);
}

/// The x86 vector extension a feature list names, best first.
void applyX86Features(ScheduleTarget &target, bool avx512, bool avx2, bool avx,
                      bool sse41) {
  // AVX-512: 16 floats a vector, 32 vector registers.
  if (avx512) {
    target.isa = "avx512";
    target.vectorLanes = 16;
    target.vectorRegisters = 32;
  } else if (avx2 || avx) {
    target.isa = avx2 ? "avx2" : "avx";
    target.vectorLanes = 8;
    target.vectorRegisters = 16;
  } else {
    target.isa = sse41 ? "sse41" : "sse2";
    target.vectorLanes = 4;
    target.vectorRegisters = 16;
  }
}

} // namespace

std::string ScheduleTarget::className() const {
  return arch + "-" + std::to_string(bits) + (isa.empty() ? "" : "-" + isa);
}

llvm::Expected<ScheduleTarget>
mlir::effnet::describeScheduleTarget(llvm::StringRef name) {
  SmallVector<StringRef> tokens;
  name.split(tokens, '-');
  ScheduleTarget target;
  // Every x86-64 since Haswell and every recent ARM core has at least
  // 256 KiB of L2 per core; a larger L2 is shared with the activations.
  target.l2Bytes = 256 * 1024;
  auto has = [&](StringRef feature) {
    return llvm::is_contained(tokens, feature);
  };
  auto hasPrefix = [&](StringRef prefix) {
    return llvm::any_of(tokens,
                        [&](StringRef t) { return t.starts_with(prefix); });
  };
  target.gpu = has("cuda") || has("opencl") || has("metal") || has("vulkan");

  if (!tokens.empty() && tokens.front() == "host") {
    llvm::Triple triple(llvm::sys::getProcessTriple());
    llvm::StringMap<bool> features = llvm::sys::getHostCPUFeatures();
    auto on = [&](StringRef f) { return features.lookup(f); };
    if (triple.isX86()) {
      target.arch = "x86";
      target.bits = triple.isArch64Bit() ? 64 : 32;
      applyX86Features(target, on("avx512f"), on("avx2"), on("avx"),
                       on("sse4.1"));
    } else if (triple.isAArch64()) {
      target.arch = "arm";
      target.bits = 64;
      target.isa = "neon";
      target.vectorLanes = 4;
      target.vectorRegisters = 32;
    } else {
      target.arch = triple.getArchName().str();
      target.bits = triple.isArch64Bit() ? 64 : 32;
    }
    return target;
  }

  if (tokens.size() < 2)
    return fail("unknown target '" + name +
                "': expected host or a Halide target string such as "
                "x86-64-linux-avx512");
  StringRef arch = tokens[0];
  unsigned bits = 0;
  if (tokens[1].getAsInteger(10, bits) || (bits != 32 && bits != 64))
    return fail("unknown target '" + name +
                "': expected ARCH-BITS-OS-FEATURES, bits 32 or 64");
  target.arch = arch.str();
  target.bits = bits;
  if (arch == "x86") {
    applyX86Features(target, hasPrefix("avx512"), has("avx2"), has("avx"),
                     has("sse41"));
    // 32-bit x86 has 8 vector registers.
    if (bits == 32)
      target.vectorRegisters = 8;
  } else if (arch == "arm") {
    // NEON: 128-bit vectors; 32 of them on AArch64, 16 on 32-bit ARM.
    target.isa = "neon";
    target.vectorLanes = 4;
    target.vectorRegisters = bits == 64 ? 32 : 16;
  } else if (arch == "powerpc" || arch == "riscv" || arch == "wasm" ||
             arch == "hexagon") {
    // 128-bit vectors (VSX, RVV at its minimum, SIMD128) and 32 registers
    // on each, but without a measured reason to assume more: the generic
    // defaults.
    target.vectorLanes = 4;
    target.vectorRegisters = arch == "wasm" ? 16 : 32;
  } else {
    return fail("unknown target '" + name + "': unknown architecture '" + arch +
                "'");
  }
  return target;
}

//===----------------------------------------------------------------------===//
// Schedule files
//===----------------------------------------------------------------------===//

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
