//===- HugePageHeap.h - the compiler's heap in huge pages ------*- C++ -*-===//
//
// A compile reads, binds, folds, packs and writes a model's weights: for B0
// about six passes over 20 MB of memory that is new to the process, which
// Linux maps 4 KiB at a time, one page fault each. With the weights cached
// kernels take no time, and those faults were a third of a warm recompile
// (B0: 0.67 s, of which 0.24 s went with transparent huge pages; 2026-12-07,
// AMD EPYC). glibc marks its heap for huge pages only when told so by the
// environment (GLIBC_TUNABLES), which a program cannot set for itself; so
// effnetc, before it reads anything, grows glibc's main heap to
// kReservedBytes, marks that span for transparent huge pages (2 MiB a fault,
// where the kernel allows them: its setting `madvise` or `always`) and gives
// it back to malloc, which keeps it: buffers up to 32 MiB (glibc's largest
// mmap threshold) then come from it. Nothing of it is touched here; memory
// is used only where the compile writes, as before. A failure anywhere
// leaves the heap as it was; under a limit on address space (ulimit -v)
// nothing is done. Not in the sanitizer build, whose malloc is
// AddressSanitizer's.
//
//===----------------------------------------------------------------------===//

#ifndef EFFNET_TOOLS_HUGEPAGEHEAP_H
#define EFFNET_TOOLS_HUGEPAGEHEAP_H

#include <cstddef>
#include <cstdint>
#include <cstdlib>

#if defined(__linux__) && defined(__GLIBC__)
#include <malloc.h>
#include <sys/mman.h>
#include <sys/resource.h>
#endif

#if defined(__has_feature)
#if __has_feature(address_sanitizer)
#define EFFNET_NO_HUGE_PAGE_HEAP 1
#endif
#endif
#if defined(__SANITIZE_ADDRESS__)
#define EFFNET_NO_HUGE_PAGE_HEAP 1
#endif

namespace mlir {
namespace effnet {

inline void reserveHugePageHeap() {
#if defined(__linux__) && defined(__GLIBC__) && defined(MADV_HUGEPAGE) &&     \
    !defined(EFFNET_NO_HUGE_PAGE_HEAP)
  constexpr size_t kMiB = size_t(1) << 20;
  constexpr size_t kHuge = 2 * kMiB;
  // glibc takes at most 32 MiB as its mmap threshold: the span is grown
  // in pieces below it, which come one after another from the heap's top.
  constexpr size_t kThreshold = 32 * kMiB;
  constexpr size_t kPiece = kThreshold - kMiB;
  constexpr int kPieces = 16;
  static_assert(kPieces * kPiece >= 256 * kMiB, "a B0's working set at least");
  // Under a limit on address space (ulimit -v), the span would count
  // against it whether used or not: the heap is left alone.
  struct rlimit space;
  if (getrlimit(RLIMIT_AS, &space) != 0 || space.rlim_cur != RLIM_INFINITY)
    return;
  if (mallopt(M_MMAP_THRESHOLD, int(kThreshold)) != 1)
    return;
  // The span stays the heap's when freed (glibc would otherwise give back
  // the top of its heap beyond 128 KiB at each free).
  mallopt(M_TRIM_THRESHOLD, int(1024 * kMiB));
  void *pieces[kPieces] = {};
  int count = 0;
  for (; count < kPieces; ++count)
    if (!(pieces[count] = std::malloc(kPiece)))
      break;
  // The pieces' whole huge pages: one span when they lie one after
  // another (the heap grew), else each piece's own.
  auto mark = [&](uintptr_t begin, uintptr_t end) {
    uintptr_t first = (begin + kHuge - 1) & ~uintptr_t(kHuge - 1);
    uintptr_t last = end & ~uintptr_t(kHuge - 1);
    if (last > first)
      madvise(reinterpret_cast<void *>(first), last - first, MADV_HUGEPAGE);
  };
  bool adjacent = count > 0;
  for (int i = 1; i < count && adjacent; ++i) {
    auto previous = reinterpret_cast<uintptr_t>(pieces[i - 1]);
    auto next = reinterpret_cast<uintptr_t>(pieces[i]);
    adjacent = next > previous && next - previous - kPiece <= 64;
  }
  if (adjacent)
    mark(reinterpret_cast<uintptr_t>(pieces[0]),
         reinterpret_cast<uintptr_t>(pieces[count - 1]) + kPiece);
  else
    for (int i = 0; i < count; ++i)
      mark(reinterpret_cast<uintptr_t>(pieces[i]),
           reinterpret_cast<uintptr_t>(pieces[i]) + kPiece);
  for (int i = count - 1; i >= 0; --i)
    std::free(pieces[i]);
#endif
}

} // namespace effnet
} // namespace mlir

#endif // EFFNET_TOOLS_HUGEPAGEHEAP_H
