//===- FilesTest.cpp - bounded reading of input files, sizes --------------===//

#include "models/Files.h"

#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/raw_ostream.h"

#include "gtest/gtest.h"

using namespace mlir::effnet;

namespace {

std::string errorOf(llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> read) {
  if (read) {
    ADD_FAILURE() << "the file was read";
    return "";
  }
  return llvm::toString(read.takeError());
}

TEST(ReadInputFile, ReadsARegularFile) {
  llvm::SmallString<128> path;
  int fd;
  ASSERT_FALSE(llvm::sys::fs::createTemporaryFile("effnet-files", "txt", fd,
                                                  path));
  llvm::FileRemover remover(path);
  {
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    os << "twelve bytes";
  }
  llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> read =
      readInputFile(path, 12, "test file");
  ASSERT_TRUE(bool(read)) << llvm::toString(read.takeError());
  EXPECT_EQ((*read)->getBuffer(), "twelve bytes");
  // One byte over the limit is refused before reading.
  EXPECT_EQ(errorOf(readInputFile(path, 11, "test file")),
            "test file '" + path.str().str() +
                "' holds 12 bytes, more than the 11 bytes that may be read");
}

TEST(ReadInputFile, RefusesWhatIsNotARegularFile) {
  EXPECT_EQ(errorOf(readInputFile("/dev/zero", 1 << 20, "input")),
            "input '/dev/zero' is not a regular file (a device, a pipe or a "
            "socket cannot be read whole)");
  EXPECT_EQ(errorOf(readInputFile("/", 1 << 20, "input")),
            "input '/' is a directory");
  EXPECT_EQ(errorOf(readInputFile("", 1 << 20, "weights file")),
            "the weights file name is empty");
  EXPECT_EQ(errorOf(readInputFile("/nonexistent/x", 1 << 20, "input")),
            "input '/nonexistent/x' cannot be read: No such file or directory");
}

TEST(ParseBytes, TakesSizesWithUnits) {
  auto parse = [](llvm::StringRef text) -> uint64_t {
    llvm::Expected<uint64_t> bytes = parseBytes(text);
    if (!bytes) {
      ADD_FAILURE() << llvm::toString(bytes.takeError());
      return 0;
    }
    return *bytes;
  };
  EXPECT_EQ(parse("1000000"), 1000000u);
  EXPECT_EQ(parse("64k"), 64u << 10);
  EXPECT_EQ(parse("512M"), 512u << 20);
  EXPECT_EQ(parse("8G"), uint64_t(8) << 30);
  EXPECT_EQ(parse("8GB"), uint64_t(8) << 30);
  EXPECT_EQ(parse("8GiB"), uint64_t(8) << 30);
  EXPECT_EQ(parse("2T"), uint64_t(2) << 40);
  EXPECT_EQ(parse("7B"), 7u);
  // Up to the 4 EiB the message names.
  EXPECT_EQ(parse("3P"), uint64_t(3) << 50);
  EXPECT_EQ(parse("4E"), uint64_t(4) << 60);
  EXPECT_EQ(parse("4EiB"), uint64_t(1) << 62);
}

TEST(ParseBytes, RejectsTheRest) {
  for (const char *text :
       {"", "G", "-1", "1.5G", "8X", "8GG", "0", "0G", "99999999999999999999",
        "5000000T", "5E", "4097P", "nan"}) {
    llvm::Expected<uint64_t> bytes = parseBytes(text);
    EXPECT_FALSE(bool(bytes)) << text;
    if (!bytes)
      llvm::consumeError(bytes.takeError());
  }
}

TEST(FormatBytes, PicksAUnit) {
  EXPECT_EQ(formatBytes(0), "0 bytes");
  EXPECT_EQ(formatBytes(1023), "1023 bytes");
  EXPECT_EQ(formatBytes(1536), "1.5 KiB");
  EXPECT_EQ(formatBytes(uint64_t(8) << 30), "8.0 GiB");
  EXPECT_EQ(formatBytes(~uint64_t(0)), "16.0 EiB");
}

TEST(QuoteForMessage, KeepsOneLine) {
  EXPECT_EQ(quoteForMessage("a\nb"), "'a\\0Ab'");
}

} // namespace

namespace {
TEST(CheckTextNesting, CountsBracketsOutsideStringsAndComments) {
  auto check = [](llvm::StringRef text, unsigned depth) {
    llvm::Error err = checkTextNesting(text, "input", "t.mlir", depth);
    bool ok = !err;
    llvm::consumeError(std::move(err));
    return ok;
  };
  EXPECT_TRUE(check("((()))", 3));
  EXPECT_FALSE(check("(((())))", 3));
  EXPECT_TRUE(check("\"((((((\" (())", 2));   // In a string.
  EXPECT_TRUE(check("// ((((((\n(())", 2));   // In a comment.
  EXPECT_TRUE(check("(i32) -> (i32) -> i32", 1)); // Arrows close nothing.
  EXPECT_FALSE(check("(() -> (() -> (() -> i32)))", 2));
  EXPECT_TRUE(check("tensor<1x3xf32> {a = [1, 2]}", 2));
  EXPECT_FALSE(check("tensor<1x3xf32> {a = [1, 2]}", 1));
  llvm::Error err = checkTextNesting("\n\n((((", "input", "t.mlir", 3);
  EXPECT_EQ(llvm::toString(std::move(err)),
            "input 't.mlir' nests brackets deeper than 3 levels (line 3)");
}
} // namespace
