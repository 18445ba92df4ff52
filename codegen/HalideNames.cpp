//===- HalideNames.cpp - Halide's unique names, counted per kernel --------===//
//
// Halide names functions, loops and variables with unique_name, which counts
// every prefix in process-wide counters that Halide 14 cannot reset. The
// names reach a kernel's object (its closures' symbols), so a kernel's bytes
// would depend on what the process compiled before it, and a cached object
// (KernelCache.h) would differ from one compiled afresh in another process.
//
// These two definitions take the place of libHalide's: it calls them through
// its procedure linkage table (its own calls included: it is built with
// semantic interposition), and the executable's definitions come first in
// the dynamic linker's search. They keep Halide 14's naming scheme with the
// counters per thread, and a kernel's compile starts them from zero
// (startKernelNames), as a fresh process would. Names need to be unique
// within one pipeline only: nothing of one kernel's compile reaches the
// next's. codegen/CMakeLists.txt exports them from every executable that
// links EffNetHalideKernels, and the compiler checks before it caches that
// Halide calls them (haveKernelNames).
//
//===----------------------------------------------------------------------===//

#include "codegen/HalideNames.h"

#include "Halide.h"

#include <algorithm>
#include <cctype>
#include <functional>

namespace {

constexpr size_t kCounters = size_t(1) << 14;

/// The counters of this thread's compiles, zero at the thread's start.
thread_local int counters[kCounters];
/// Calls since the last start, to check that Halide's calls reach us.
thread_local unsigned long calls;

int nextCount(size_t hash) {
  ++calls;
  return counters[hash & (kCounters - 1)]++;
}

} // namespace

// Halide 14's unique_name, with this file's counters (Halide's Util.cpp
// documents the scheme: 'c' + number for a character prefix; for a string,
// the prefix itself the first time its counter is seen, unless it looks like
// a name of either kind already, else the prefix with '$' made '_', then '$'
// and the number).
std::string Halide::Internal::unique_name(char prefix) {
  if (prefix == '$')
    prefix = '_';
  return prefix + std::to_string(nextCount(static_cast<unsigned char>(prefix)));
}

std::string Halide::Internal::unique_name(const std::string &prefix) {
  std::string sanitized = prefix;
  bool likeCharName = true, likeStringName = true;
  int dollars = 0;
  for (size_t i = 0; i < sanitized.size(); ++i) {
    if (sanitized[i] == '$') {
      ++dollars;
      sanitized[i] = '_';
    }
    if (i > 0 && !std::isdigit(static_cast<unsigned char>(sanitized[i]))) {
      likeCharName = false;
      if (dollars)
        likeStringName = false;
    }
  }
  likeStringName = likeStringName && dollars == 1;
  likeCharName = likeCharName && prefix.size() > 1;
  int number = nextCount(std::hash<std::string>()(sanitized));
  if (number == 0 && !likeCharName && !likeStringName)
    return prefix;
  return sanitized + "$" + std::to_string(number);
}

void mlir::effnet::codegen::startKernelNames() {
  std::fill(std::begin(counters), std::end(counters), 0);
  calls = 0;
}

bool mlir::effnet::codegen::haveKernelNames() {
  startKernelNames();
  // A Func made without a name takes one from unique_name.
  Halide::Func probe;
  bool reached = calls > 0;
  startKernelNames();
  return reached;
}
