//===- Options.cpp - effnetc's options checked before anything is built ---===//
//
// Each check fails with the one-line message effnetc prints: a target Halide
// does not know, a normalization whose floats overflow, a --jobs past
// kMaxJobs, an -o whose NAME or folder cannot be used.
//
//===----------------------------------------------------------------------===//

#include "codegen/Codegen.h"
#include "codegen/Library.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>
#include <limits>

using namespace mlir::effnet::codegen;
using llvm::Error;

llvm::Expected<TargetDescription>
mlir::effnet::codegen::parseTarget(const std::string &name) {
  if (name == "portable")
    return fail("bad --target: portable stands for several targets (a "
                "library's AVX-512, AVX2 and SSE4.1 paths): give one Halide "
                "target here");
  llvm::Expected<TargetDescription> target = describeTarget(name);
  if (!target)
    return fail(
        fmt::format("bad --target: {}", llvm::toString(target.takeError())));
  return target;
}

llvm::Expected<std::string>
mlir::effnet::codegen::resolveTarget(const std::string &name) {
  llvm::Expected<TargetDescription> target = parseTarget(name);
  if (!target)
    return target.takeError();
  return target->halide;
}

/// The tag of an entry without one (see splitTargets).
static std::string defaultTag(llvm::StringRef target) {
  llvm::SmallVector<llvm::StringRef> parts;
  target.split(parts, '-');
  for (llvm::StringRef api : {"cuda", "opencl", "metal", "vulkan"})
    if (llvm::is_contained(parts, api))
      return api.str();
  if (parts.front() == "host" || parts.front() == "portable")
    return "cpu";
  if (parts.size() >= 2)
    return (parts[0] + "_" + parts[1]).str();
  return parts.front().str();
}

llvm::Expected<std::vector<TaggedTarget>>
mlir::effnet::codegen::splitTargets(const std::string &list) {
  llvm::SmallVector<llvm::StringRef> entries;
  llvm::StringRef(list).split(entries, ',');
  std::vector<TaggedTarget> out;
  for (llvm::StringRef entry : entries) {
    auto [tag, target] = entry.contains('=') ? entry.split('=')
                                              : std::make_pair(
                                                    llvm::StringRef(), entry);
    if (target.empty())
      return fail(fmt::format("bad --target: '{}' has an empty entry: give "
                              "TARGET or TAG=TARGET between the commas",
                              list));
    std::string name = tag.empty() ? defaultTag(target) : tag.str();
    if (name.empty() || !llvm::all_of(name, [](char c) {
          return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
        }))
      return fail(fmt::format("bad --target: the tag '{}' of '{}' is not "
                              "lower-case letters, digits and _ (it ends "
                              "the library's name)",
                              name, entry.str()));
    for (const TaggedTarget &earlier : out)
      if (earlier.tag == name)
        return fail(fmt::format(
            "bad --target: '{}' and '{}' would both write NAME_{}: tag one, "
            "as TAG={}",
            earlier.target, target.str(), name, target.str()));
    out.push_back({name, target.str()});
  }
  return out;
}

std::string mlir::effnet::codegen::defaultTarget() {
  llvm::Expected<std::string> host = resolveTarget("host");
  if (!host) {
    llvm::consumeError(host.takeError());
    return "host";
  }
  return llvm::StringRef(*host).starts_with("x86-64-") ? "portable" : "host";
}

llvm::Expected<std::vector<std::string>>
mlir::effnet::codegen::expandTargets(const std::string &name) {
  if (name != "portable") {
    llvm::Expected<std::string> one = resolveTarget(name);
    if (!one)
      return one.takeError();
    return std::vector<std::string>{*one};
  }
  llvm::Expected<std::string> host = resolveTarget("host");
  if (!host)
    return host.takeError();
  // "x86-64-linux-avx2-..." : the architecture, bits and OS lead.
  llvm::SmallVector<llvm::StringRef> parts;
  llvm::StringRef(*host).split(parts, '-');
  if (parts.size() < 3 || parts[0] != "x86" || parts[1] != "64")
    return fail(fmt::format("bad --target: portable is for x86-64 machines, "
                            "and this one is {}: give host or a Halide "
                            "target string",
                            parts.size() >= 2
                                ? (parts[0] + "-" + parts[1]).str()
                                : *host));
  std::string base = "x86-64-" + parts[2].str();
  std::vector<std::string> targets;
  for (const char *level :
       {"-avx512_skylake-avx512-avx2-avx-f16c-fma-sse41",
        "-avx2-avx-f16c-fma-sse41", "-sse41"}) {
    llvm::Expected<std::string> target = resolveTarget(base + level);
    if (!target)
      return target.takeError();
    targets.push_back(*target);
  }
  return targets;
}

/// `--normalize`'s value: `imagenet`, `advprop` or
/// `MEAN,MEAN,MEAN:STD,STD,STD`, checked as the floats the kernels compute
/// with, `(p / 255 - mean) / std`: every mean finite as a float, every std a
/// normal float above 0, and the normalized pixels within a float's range.
llvm::Expected<PixelNormalization>
mlir::effnet::codegen::parseNormalization(llvm::StringRef text) {
  PixelNormalization normalization;
  if (text == "imagenet")
    return normalization;
  if (text == "advprop") {
    normalization.mean.assign(3, 0.5f);
    normalization.std.assign(3, 0.5f);
    return normalization;
  }
  auto bad = [&](const std::string &why) {
    return fail(fmt::format("bad --normalize '{}': {} (expected imagenet, "
                            "advprop or MEAN,MEAN,MEAN:STD,STD,STD)",
                            text.str(), why));
  };
  auto [means, stds] = text.split(':');
  auto parse = [&](llvm::StringRef list,
                   std::vector<float> &out) -> std::string {
    llvm::SmallVector<llvm::StringRef> items;
    list.split(items, ',');
    out.clear();
    for (llvm::StringRef item : items) {
      double value;
      if (item.trim().getAsDouble(value) || !std::isfinite(value))
        return fmt::format("'{}' is not a finite number", item.trim().str());
      out.push_back(static_cast<float>(value));
    }
    return out.size() == 3 ? "" : "it needs three values on each side";
  };
  // A value as given, for messages: the text, not its float.
  auto given = [](llvm::StringRef list, size_t index) {
    llvm::SmallVector<llvm::StringRef> items;
    list.split(items, ',');
    return items[index].trim().str();
  };
  if (!text.contains(':'))
    return bad("no ':' between the means and the stds");
  for (auto [list, out] : {std::pair{means, &normalization.mean},
                           std::pair{stds, &normalization.std}})
    if (std::string why = parse(list, *out); !why.empty())
      return bad(why);
  constexpr float kMax = std::numeric_limits<float>::max();
  constexpr float kMinNormal = std::numeric_limits<float>::min();
  for (size_t c = 0; c < 3; ++c) {
    float mean = normalization.mean[c], std = normalization.std[c];
    if (!std::isfinite(mean))
      return bad(fmt::format("mean {} does not fit a float", given(means, c)));
    if (!std::isfinite(std))
      return bad(fmt::format("std {} does not fit a float", given(stds, c)));
    if (!(std >= kMinNormal))
      return bad(fmt::format("std {} is not a normal float above 0 (at least "
                             "{:g})",
                             given(stds, c), kMinNormal));
    // The pixel farthest from the mean, 0 or 1, divided by the std.
    double reach =
        std::max(std::abs(double(mean)), std::abs(1.0 - double(mean))) /
        double(std);
    if (reach > double(kMax))
      return bad(fmt::format("channel {} normalizes pixels to magnitudes up "
                             "to {:g}, past a float's {:g}",
                             c, reach, kMax));
  }
  return normalization;
}

Error mlir::effnet::codegen::checkNormalization(const std::string &text) {
  llvm::Expected<PixelNormalization> normalization = parseNormalization(text);
  return normalization ? Error::success() : normalization.takeError();
}

Error mlir::effnet::codegen::checkJobs(unsigned jobs) {
  if (jobs > kMaxJobs)
    return fail(fmt::format("expects --jobs from 0 (every core) to {}, got {}",
                            kMaxJobs, jobs));
  return Error::success();
}

Error mlir::effnet::codegen::checkOutputPath(const std::string &output) {
  std::string name = llvm::sys::path::filename(output).str();
  if (std::string why = checkLibraryName(name); !why.empty())
    return fail(fmt::format("the library name '{}' (from -o {}) {}", name,
                            output, why));
  // The nearest folder that exists must be one we may write into.
  llvm::SmallString<128> dir(output);
  llvm::sys::path::remove_filename(dir);
  if (dir.empty())
    dir = ".";
  while (!llvm::sys::fs::exists(dir) && llvm::sys::path::has_parent_path(dir))
    llvm::sys::path::remove_filename(dir);
  if (!llvm::sys::fs::exists(dir))
    dir = ".";
  if (!llvm::sys::fs::is_directory(dir))
    return fail(fmt::format("cannot write -o {}: '{}' is not a folder", output,
                            dir.str().str()));
  if (!llvm::sys::fs::can_write(dir))
    return fail(fmt::format("cannot write -o {}: folder '{}' is not writable",
                            output, dir.str().str()));
  return Error::success();
}
