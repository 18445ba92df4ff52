//===- KernelCache.cpp - compiled objects kept between runs ---------------===//

#include "codegen/KernelCache.h"
#include "codegen/HalideKernels.h"
#include "codegen/Version.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/xxhash.h"

#include <fmt/core.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <sys/time.h>
#include <vector>

using namespace mlir::effnet::codegen;
namespace fs = llvm::sys::fs;

namespace {

/// An entry is the object's bytes, then this trailer.
struct Trailer {
  char magic[8];
  uint64_t size;
  uint64_t low, high;
};
constexpr char kMagic[8] = {'e', 'f', 'f', 'n', 'e', 't', 'K', '1'};

llvm::XXH128_hash_t hashOf(llvm::StringRef bytes) {
  return llvm::xxh3_128bits(llvm::ArrayRef<uint8_t>(
      reinterpret_cast<const uint8_t *>(bytes.data()), bytes.size()));
}

std::string hex(llvm::XXH128_hash_t hash) {
  return fmt::format("{:016x}{:016x}", hash.high64, hash.low64);
}

/// What identifies this compiler: our version, this executable's bytes
/// (a rebuild is another compiler), and Halide's library.
const std::string &compilerIdentity() {
  static const std::string identity = [] {
    std::string text = std::string("effnet ") + EFFNET_VERSION + " " +
                       EFFNET_REVISION + "; Halide " + EFFNET_HALIDE_VERSION +
                       "; " + halideLibraryIdentity();
    std::string self = fs::getMainExecutable(
        nullptr, reinterpret_cast<void *>(&defaultCacheDir));
    llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> exe =
        llvm::MemoryBuffer::getFile(self, /*IsText=*/false,
                                    /*RequiresNullTerminator=*/false);
    // Without its own bytes, this compiler cannot be told from another.
    if (!exe)
      return std::string();
    return text + "; " + hex(hashOf((*exe)->getBuffer()));
  }();
  return identity;
}

/// The entry files: DIR/XX/KEY.o, XX the key's first two digits.
std::string entryPath(const std::string &dir, const std::string &key) {
  llvm::SmallString<256> path(dir);
  llvm::sys::path::append(path, key.substr(0, 2), key + ".o");
  return path.str().str();
}

} // namespace

std::string mlir::effnet::codegen::defaultCacheDir() {
  llvm::SmallString<256> dir;
  if (const char *xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) {
    dir = xdg;
  } else if (const char *home = std::getenv("HOME"); home && *home) {
    dir = home;
    llvm::sys::path::append(dir, ".cache");
  } else {
    return "";
  }
  llvm::sys::path::append(dir, "effnet");
  return dir.str().str();
}

KernelCache::KernelCache(std::string dir, uint64_t maxBytes)
    : dir(std::move(dir)), maxBytes(maxBytes) {
  if (enabled() && compilerIdentity().empty())
    disable("this executable's file cannot be read (it identifies the "
            "compiler)");
}

std::string KernelCache::keyOf(llvm::StringRef what) const {
  std::string text = compilerIdentity() + "\n" + what.str();
  return hex(hashOf(text));
}

bool KernelCache::fetch(const std::string &key, const std::string &objectPath) {
  if (!enabled() || broken) {
    ++missCount;
    return false;
  }
  std::string path = entryPath(dir, key);
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> entry =
      llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                  /*RequiresNullTerminator=*/false);
  auto miss = [&] {
    ++missCount;
    return false;
  };
  if (!entry)
    return miss();
  llvm::StringRef bytes = (*entry)->getBuffer();
  if (bytes.size() < sizeof(Trailer))
    return miss();
  Trailer trailer;
  std::memcpy(&trailer, bytes.data() + bytes.size() - sizeof(Trailer),
              sizeof(Trailer));
  llvm::StringRef object = bytes.drop_back(sizeof(Trailer));
  llvm::XXH128_hash_t hash = hashOf(object);
  if (std::memcmp(trailer.magic, kMagic, sizeof kMagic) != 0 ||
      trailer.size != object.size() || trailer.low != hash.low64 ||
      trailer.high != hash.high64)
    return miss();
  std::error_code ec;
  llvm::raw_fd_ostream out(objectPath, ec, fs::OF_None);
  if (ec)
    return miss();
  out << object;
  out.close();
  if (out.has_error()) {
    out.clear_error();
    return miss();
  }
  // Used: the last to go when the folder is trimmed.
  utimes(path.c_str(), nullptr);
  ++hitCount;
  return true;
}

void KernelCache::store(const std::string &key, const std::string &objectPath) {
  if (!enabled() || broken)
    return;
  llvm::ErrorOr<std::unique_ptr<llvm::MemoryBuffer>> object =
      llvm::MemoryBuffer::getFile(objectPath, /*IsText=*/false,
                                  /*RequiresNullTerminator=*/false);
  if (!object)
    return disable(fmt::format("cannot read '{}': {}", objectPath,
                               object.getError().message()));
  llvm::StringRef bytes = (*object)->getBuffer();
  std::string path = entryPath(dir, key);
  llvm::StringRef folder = llvm::sys::path::parent_path(path);
  if (std::error_code ec = fs::create_directories(folder))
    return disable(fmt::format("cannot create '{}': {}", folder.str(),
                               ec.message()));
  // Written whole under a name of its own, then renamed into place: a
  // reader sees all of an entry or none of it.
  llvm::SmallString<256> temporary;
  int fd;
  if (std::error_code ec = fs::createUniqueFile(
          folder + "/.writing-%%%%%%%%%%%%", fd, temporary))
    return disable(fmt::format("cannot write in '{}': {}", folder.str(),
                               ec.message()));
  llvm::XXH128_hash_t hash = hashOf(bytes);
  Trailer trailer;
  std::memcpy(trailer.magic, kMagic, sizeof kMagic);
  trailer.size = bytes.size();
  trailer.low = hash.low64;
  trailer.high = hash.high64;
  bool written;
  {
    llvm::raw_fd_ostream out(fd, /*shouldClose=*/true);
    out << bytes;
    out.write(reinterpret_cast<const char *>(&trailer), sizeof trailer);
    out.close();
    written = !out.has_error();
    out.clear_error();
  }
  if (!written) {
    fs::remove(temporary);
    return disable(fmt::format("cannot write '{}'", temporary.str().str()));
  }
  if (std::error_code ec = fs::rename(temporary, path)) {
    fs::remove(temporary);
    return disable(fmt::format("cannot write '{}': {}", path, ec.message()));
  }
  ++stored;
}

void KernelCache::trim() {
  if (!enabled() || !stored)
    return;
  struct Entry {
    std::string path;
    uint64_t size;
    std::chrono::system_clock::time_point used;
  };
  std::vector<Entry> entries;
  uint64_t total = 0;
  auto now = std::chrono::system_clock::now();
  std::error_code ec;
  for (fs::directory_iterator sub(dir, ec), end; !ec && sub != end;
       sub.increment(ec)) {
    std::error_code inner;
    for (fs::directory_iterator file(sub->path(), inner); !inner && file != end;
         file.increment(inner)) {
      fs::file_status status;
      if (fs::status(file->path(), status) || !fs::is_regular_file(status))
        continue;
      llvm::StringRef name = llvm::sys::path::filename(file->path());
      // A writer that died left its file: gone after an hour.
      if (name.starts_with(".writing-")) {
        if (now - status.getLastModificationTime() > std::chrono::hours(1))
          fs::remove(file->path());
        continue;
      }
      if (!name.ends_with(".o"))
        continue;
      entries.push_back(
          {file->path(), status.getSize(), status.getLastModificationTime()});
      total += status.getSize();
    }
  }
  if (total <= maxBytes)
    return;
  std::sort(entries.begin(), entries.end(),
            [](const Entry &a, const Entry &b) { return a.used < b.used; });
  // Down to three quarters, so that the next few compiles need not trim.
  uint64_t goal = maxBytes / 4 * 3;
  for (const Entry &entry : entries) {
    if (total <= goal)
      break;
    // Another process may have removed it already.
    fs::remove(entry.path);
    total -= entry.size;
  }
}

std::string KernelCache::warning() {
  std::lock_guard<std::mutex> guard(lock);
  return firstWarning;
}

void KernelCache::disable(const std::string &why) {
  std::lock_guard<std::mutex> guard(lock);
  if (firstWarning.empty())
    firstWarning = fmt::format("the kernel cache '{}' is not used: {}", dir,
                               why);
  broken = true;
}
