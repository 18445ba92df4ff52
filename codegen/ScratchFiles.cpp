//===- ScratchFiles.cpp - object files that go on every exit --------------===//
//
// The kernels, the driver and Halide's runtime are compiled into files of
// the temporary folder, and archived from there: ScratchFiles (Library.h)
// makes them and removes them on every return, and registers each with
// LLVM's signal handlers so that an interrupted compile leaves none.
//
//===----------------------------------------------------------------------===//

#include "codegen/Library.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Process.h"
#include "llvm/Support/Signals.h"

#include <fmt/core.h>

using namespace mlir::effnet::codegen;

ScratchFiles::~ScratchFiles() {
  for (const std::string &path : paths) {
    llvm::sys::fs::remove(path);
    llvm::sys::DontRemoveFileOnSignal(path);
  }
}

llvm::Expected<std::string> ScratchFiles::create(const std::string &name) {
  llvm::SmallString<128> model;
  llvm::sys::path::system_temp_directory(/*ErasedOnReboot=*/true, model);
  llvm::sys::path::append(model, "effnetc-%%%%%%%%-" + name);
  std::error_code ec;
  for (int attempt = 0; attempt < 128; ++attempt) {
    llvm::SmallString<128> path;
    llvm::sys::fs::createUniquePath(model, path, /*MakeAbsolute=*/true);
    // Registered before it is created, so no signal finds it there and
    // unregistered. Only a name of this pattern is ever registered: at
    // worst, a signal right here removes an older effnetc's leftover.
    llvm::sys::RemoveFileOnSignal(path);
    int fd;
    ec = llvm::sys::fs::openFileForWrite(path, fd, llvm::sys::fs::CD_CreateNew);
    if (!ec) {
      llvm::sys::Process::SafelyCloseFileDescriptor(fd);
      paths.push_back(path.str().str());
      return paths.back();
    }
    llvm::sys::DontRemoveFileOnSignal(path);
    if (ec != std::errc::file_exists)
      break;
  }
  return fail(fmt::format("cannot create a scratch file in '{}': {}",
                          llvm::sys::path::parent_path(model).str(),
                          ec.message()));
}
