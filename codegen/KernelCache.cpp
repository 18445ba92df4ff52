//===- KernelCache.cpp - compiled kernels kept on disk --------------------===//

#include "codegen/KernelCache.h"
#include "KernelsIdentity.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/SHA256.h"
#include "llvm/Support/raw_ostream.h"

#include <fmt/core.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <elf.h>
#include <link.h>
#include <thread>
#include <vector>

using namespace mlir::effnet::codegen;
namespace fs = llvm::sys::fs;

namespace {

/// The tag that ends every entry, after the object's digest.
constexpr char kTag[8] = {'e', 'f', 'f', 'n', 'e', 't', 'K', '1'};
constexpr size_t kDigestBytes = 32;
/// No kernel object comes near this; a larger entry is damage.
constexpr uint64_t kMaxEntryBytes = uint64_t(1) << 30;

/// The GNU build ID of the loaded library whose file name starts with
/// `prefix`, in hex, or its path when it has none; "" when none is loaded.
std::string loadedLibraryId(const char *prefix) {
  struct Search {
    const char *prefix;
    std::string id;
  } search{prefix, ""};
  dl_iterate_phdr(
      [](dl_phdr_info *info, size_t, void *data) {
        auto *s = static_cast<Search *>(data);
        llvm::StringRef path = info->dlpi_name ? info->dlpi_name : "";
        if (!llvm::sys::path::filename(path).starts_with(s->prefix))
          return 0;
        s->id = path.str();
        for (int i = 0; i < info->dlpi_phnum; ++i) {
          const ElfW(Phdr) &ph = info->dlpi_phdr[i];
          if (ph.p_type != PT_NOTE)
            continue;
          const char *p =
              reinterpret_cast<const char *>(info->dlpi_addr + ph.p_vaddr);
          const char *end = p + ph.p_memsz;
          while (p + sizeof(ElfW(Nhdr)) <= end) {
            auto *note = reinterpret_cast<const ElfW(Nhdr) *>(p);
            const char *name = p + sizeof(ElfW(Nhdr));
            const char *desc = name + ((note->n_namesz + 3) & ~3u);
            if (note->n_type == NT_GNU_BUILD_ID && note->n_namesz == 4 &&
                std::memcmp(name, "GNU", 4) == 0 &&
                desc + note->n_descsz <= end) {
              s->id = llvm::toHex(llvm::StringRef(desc, note->n_descsz),
                                  /*LowerCase=*/true);
              return 1;
            }
            p = desc + ((note->n_descsz + 3) & ~3u);
          }
        }
        return 1;
      },
      &search);
  return search.id;
}

std::string digestOf(llvm::StringRef bytes) {
  std::array<uint8_t, 32> hash = llvm::SHA256::hash(
      llvm::ArrayRef<uint8_t>(bytes.bytes_begin(), bytes.size()));
  return std::string(hash.begin(), hash.end());
}

} // namespace

std::string mlir::effnet::codegen::defaultCacheDir() {
  if (const char *dir = std::getenv("EFFNET_CACHE_DIR"); dir && *dir)
    return dir;
  if (const char *xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg)
    return (llvm::Twine(xdg) + "/effnet").str();
  if (const char *home = std::getenv("HOME"); home && *home)
    return (llvm::Twine(home) + "/.cache/effnet").str();
  return "";
}

llvm::Expected<KernelCache> KernelCache::open(const std::string &dir,
                                              uint64_t maxBytes) {
  std::string objects = dir + "/objects";
  if (std::error_code ec = fs::create_directories(objects))
    return llvm::createStringError(
        fmt::format("cannot create the kernel cache '{}': {}", objects,
                    ec.message()));
  if (fs::access(objects, fs::AccessMode::Write))
    return llvm::createStringError(
        fmt::format("cannot write to the kernel cache '{}'", objects));
  return KernelCache(dir, maxBytes);
}

std::string KernelCache::key(llvm::ArrayRef<llvm::StringRef> parts) {
  // The compiling code (a digest of its sources and flags, made at build
  // time) and the Halide library loaded now (its build ID): either changed,
  // every key changes.
  static const std::string halide = loadedLibraryId("libHalide");
  llvm::SHA256 sha;
  auto add = [&](llvm::StringRef part) {
    // Each part's length first: no two lists of parts hash alike.
    std::string length = std::to_string(part.size()) + ":";
    sha.update(length);
    sha.update(part);
  };
  add(EFFNET_KERNELS_IDENTITY);
  add(halide);
  for (llvm::StringRef part : parts)
    add(part);
  std::array<uint8_t, 32> hash = sha.final();
  return llvm::toHex(llvm::ArrayRef<uint8_t>(hash), /*LowerCase=*/true);
}

std::string KernelCache::entryPath(const std::string &key) const {
  return dir + "/objects/" + key + ".o";
}

bool KernelCache::fetch(const std::string &key, const std::string &path,
                        bool existing) {
  std::string entry = entryPath(key);
  uint64_t size = 0;
  if (fs::file_size(entry, size) || size > kMaxEntryBytes ||
      size < kDigestBytes + sizeof(kTag))
    return false;
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFile(entry, /*IsText=*/false,
                                  /*RequiresNullTerminator=*/false);
  if (!buffer)
    return false;
  llvm::StringRef bytes = (*buffer)->getBuffer();
  if (bytes.size() < kDigestBytes + sizeof(kTag) ||
      !bytes.ends_with(llvm::StringRef(kTag, sizeof(kTag))))
    return false;
  llvm::StringRef object =
      bytes.drop_back(kDigestBytes + sizeof(kTag));
  llvm::StringRef digest =
      bytes.drop_front(object.size()).take_front(kDigestBytes);
  if (digestOf(object) != digest)
    return false;
  int outFd = -1;
  if (fs::openFileForWrite(path, outFd,
                           existing ? fs::CD_OpenExisting
                                    : fs::CD_CreateAlways))
    return false;
  if (existing && fs::resize_file(outFd, 0)) {
    llvm::sys::Process::SafelyCloseFileDescriptor(outFd);
    return false;
  }
  llvm::raw_fd_ostream out(outFd, /*shouldClose=*/true);
  out << object;
  out.close();
  if (out.has_error()) {
    out.clear_error();
    return false;
  }
  // A hit makes the entry the most recently used (trim's order).
  int fd = -1;
  if (!fs::openFileForWrite(entry, fd, fs::CD_OpenExisting, fs::OF_Append)) {
    fs::setLastAccessAndModificationTime(fd, std::chrono::system_clock::now());
    llvm::sys::Process::SafelyCloseFileDescriptor(fd);
  }
  ++hitCount;
  return true;
}

void KernelCache::store(const std::string &key, const std::string &path) {
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> buffer =
      llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                  /*RequiresNullTerminator=*/false);
  if (!buffer || (*buffer)->getBufferSize() > kMaxEntryBytes / 2)
    return;
  llvm::StringRef object = (*buffer)->getBuffer();
  // A name no other writer uses; rename() then replaces any entry of the
  // key whole (another compiler's, with the same bytes).
  llvm::SmallString<256> temporary;
  int fd = -1;
  if (fs::createUniqueFile(dir + "/objects/" + key + "-%%%%%%%%.tmp", fd,
                           temporary))
    return;
  {
    llvm::raw_fd_ostream out(fd, /*shouldClose=*/true);
    out << object << digestOf(object) << llvm::StringRef(kTag, sizeof(kTag));
    out.close();
    if (out.has_error()) {
      out.clear_error();
      fs::remove(temporary);
      return;
    }
  }
  if (fs::rename(temporary, entryPath(key))) {
    fs::remove(temporary);
    return;
  }
  ++storeCount;
}

void KernelCache::trim() {
  struct Entry {
    std::string path;
    uint64_t size;
    std::chrono::system_clock::time_point used;
  };
  std::vector<Entry> entries;
  uint64_t total = 0;
  auto now = std::chrono::system_clock::now();
  std::error_code ec;
  for (fs::directory_iterator it(dir + "/objects", ec), end; !ec && it != end;
       it.increment(ec)) {
    llvm::ErrorOr<fs::basic_file_status> status = it->status();
    if (!status || status->type() != fs::file_type::regular_file)
      continue;
    llvm::StringRef name = llvm::sys::path::filename(it->path());
    auto used = status->getLastModificationTime();
    if (name.ends_with(".tmp")) {
      if (now - used > std::chrono::hours(1))
        fs::remove(it->path());
      continue;
    }
    if (!name.ends_with(".o"))
      continue;
    entries.push_back({it->path(), status->getSize(), used});
    total += status->getSize();
  }
  if (total <= maxBytes)
    return;
  std::sort(entries.begin(), entries.end(),
            [](const Entry &a, const Entry &b) { return a.used < b.used; });
  for (const Entry &e : entries) {
    if (total <= maxBytes)
      break;
    // Another compiler reading it keeps its open file; one about to open it
    // finds a miss and compiles.
    if (!fs::remove(e.path))
      total -= e.size;
  }
}
