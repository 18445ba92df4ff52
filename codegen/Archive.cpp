//===- Archive.cpp - the objects into NAME.a ------------------------------===//
//
// LLVM's archive writer, deterministic: the members are named as the objects
// are (NAME_k0.o, ...), not as their scratch files, and carry no dates or
// owners, so a library is the same byte for byte from one compile to the
// next.
//
//===----------------------------------------------------------------------===//

#include "codegen/Library.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/Object/ArchiveWriter.h"

#include <fmt/core.h>

using namespace mlir::effnet::codegen;

llvm::Error mlir::effnet::codegen::archiveObjects(
    const std::vector<std::string> &objects,
    const std::vector<std::string> &memberNames, const std::string &triple,
    const std::string &path) {
  std::vector<llvm::NewArchiveMember> members;
  for (auto [object, memberName] : llvm::zip_equal(objects, memberNames)) {
    llvm::Expected<llvm::NewArchiveMember> member =
        llvm::NewArchiveMember::getFile(object, /*Deterministic=*/true);
    if (!member)
      return fail(fmt::format("cannot read '{}': {}", object,
                              llvm::toString(member.takeError())));
    member->MemberName = memberName;
    members.push_back(std::move(*member));
  }
  // Apple's linker reads BSD-style archives with its own symbol table.
  llvm::object::Archive::Kind kind = llvm::StringRef(triple).contains("apple")
                                         ? llvm::object::Archive::K_DARWIN
                                         : llvm::object::Archive::K_GNU;
  if (llvm::Error err = llvm::writeArchive(
          path, members, llvm::SymtabWritingMode::NormalSymtab, kind,
          /*Deterministic=*/true, /*Thin=*/false))
    return fail(fmt::format("cannot write '{}': {}", path,
                            llvm::toString(std::move(err))));
  return llvm::Error::success();
}
