//===- HugePageHeapTest.cpp - effnetc's heap in transparent huge pages ----===//

#include "tools/HugePageHeap.h"

#include "gtest/gtest.h"

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <string>

using namespace mlir::effnet;

namespace {

#if defined(__linux__) && defined(__GLIBC__) &&                               \
    !defined(EFFNET_NO_HUGE_PAGE_HEAP)
/// The kernel's transparent huge page setting: "always", "madvise",
/// "never", or empty where it has none.
std::string hugePageSetting() {
  std::ifstream file("/sys/kernel/mm/transparent_hugepage/enabled");
  std::string line;
  std::getline(file, line);
  size_t open = line.find('['), close = line.find(']');
  if (open == std::string::npos || close == std::string::npos)
    return "";
  return line.substr(open + 1, close - open - 1);
}

/// The "THPeligible" field of the mapping holding `address` in
/// /proc/self/smaps: 1 where its pages may be huge, -1 if not found.
int hugePageEligible(const void *address) {
  std::ifstream smaps("/proc/self/smaps");
  auto at = reinterpret_cast<uintptr_t>(address);
  bool inside = false;
  std::string line;
  while (std::getline(smaps, line)) {
    unsigned long long begin, end;
    char dash;
    std::istringstream header(line);
    // A mapping's first line: "begin-end perms offset ...", in hex.
    if (line.find(':') > line.find(' ') &&
        (header >> std::hex >> begin >> dash >> end) && dash == '-') {
      inside = begin <= at && at < end;
      continue;
    }
    if (inside && line.rfind("THPeligible:", 0) == 0)
      return std::atoi(line.c_str() + std::strlen("THPeligible:"));
  }
  return -1;
}
#endif

TEST(HugePageHeap, AWeightsSizedBufferMayTakeHugePages) {
#if !defined(__linux__) || !defined(__GLIBC__) ||                              \
    defined(EFFNET_NO_HUGE_PAGE_HEAP)
  GTEST_SKIP() << "glibc's malloc on Linux only (not the sanitizer build)";
#else
  std::string setting = hugePageSetting();
  if (setting != "always" && setting != "madvise")
    GTEST_SKIP() << "transparent huge pages are '" << setting << "' here";
  reserveHugePageHeap();
  // B0's weights: 20 MB, under glibc's largest mmap threshold.
  constexpr size_t kBytes = 20 << 20;
  void *buffer = std::malloc(kBytes);
  ASSERT_NE(buffer, nullptr);
  std::memset(buffer, 1, kBytes);
  void *middle = static_cast<char *>(buffer) + kBytes / 2;
  EXPECT_EQ(hugePageEligible(middle), 1);
  std::free(buffer);
  // And malloc goes on as before: small and large blocks, freed.
  for (size_t size : {size_t(16), size_t(4096), size_t(40) << 20}) {
    void *block = std::malloc(size);
    ASSERT_NE(block, nullptr);
    std::memset(block, 2, size);
    std::free(block);
  }
#endif
}

} // namespace
