//===- WeightsTest.cpp - safetensors, torchvision names, random weights ---===//

#include "models/RandomWeights.h"
#include "models/Safetensors.h"
#include "models/WeightNames.h"

#include "llvm/Support/Endian.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FileUtilities.h"
#include "llvm/Support/raw_ostream.h"

#include "gtest/gtest.h"

#include <cmath>
#include <cstring>

using namespace mlir::effnet;
using llvm::StringRef;

namespace {

/// A temporary file removed when the test ends.
class TempFile {
public:
  explicit TempFile(StringRef contents) {
    int fd;
    std::error_code ec = llvm::sys::fs::createTemporaryFile(
        "effnet-weights", "safetensors", fd, path);
    EXPECT_FALSE(ec) << ec.message();
    llvm::raw_fd_ostream os(fd, /*shouldClose=*/true);
    os << contents;
    remover.setFile(path);
  }
  StringRef getPath() const { return path; }

private:
  llvm::SmallString<128> path;
  llvm::FileRemover remover;
};

/// A safetensors file: the header length, `header`, then `data`.
std::string makeFile(StringRef header, StringRef data) {
  char length[8];
  llvm::support::endian::write64le(length, header.size());
  return std::string(length, 8) + header.str() + data.str();
}

std::string floatBytes(std::initializer_list<float> values) {
  std::string bytes;
  for (float value : values) {
    uint32_t bits;
    std::memcpy(&bits, &value, 4);
    char le[4];
    llvm::support::endian::write32le(le, bits);
    bytes.append(le, 4);
  }
  return bytes;
}

/// The message of opening `contents`, which must fail with one line that
/// starts with the file's path.
std::string openError(StringRef contents) {
  TempFile file(contents);
  llvm::Expected<SafetensorsFile> opened =
      SafetensorsFile::open(file.getPath());
  if (opened) {
    ADD_FAILURE() << "the file opened";
    return "";
  }
  std::string message = llvm::toString(opened.takeError());
  EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  EXPECT_TRUE(StringRef(message).starts_with((file.getPath() + ": ").str()))
      << message;
  return message;
}

std::string headerError(StringRef header, StringRef data) {
  return openError(makeFile(header, data));
}

/// One F32 tensor `a` of shape [1] at [0, 4], and a second entry `entry`.
std::string withEntry(StringRef entry) {
  return (R"({"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"b":)" +
          entry + "}")
      .str();
}

//===----------------------------------------------------------------------===//
// SafetensorsFile
//===----------------------------------------------------------------------===//

TEST(SafetensorsFile, ReadsAValidFile) {
  // An I64 scalar first, then an F32 2x2 at byte 8 and an F16 [3]; the header
  // length (not a multiple of 8) leaves the data section unaligned.
  std::string header =
      R"({"__metadata__":{"format":"pt"},"b":{"dtype":"F32","shape":[2,2],)"
      R"("data_offsets":[8,24]},"a":{"dtype":"I64","shape":[],)"
      R"("data_offsets":[0,8]},"c":{"dtype":"F16","shape":[3],)"
      R"("data_offsets":[24,30]}})";
  ASSERT_NE(header.size() % 4, 0u);
  std::string data = std::string(8, '\0') +
                     floatBytes({1.5f, -2.0f, 0.0f, 3.25f}) +
                     std::string(6, '\1');
  TempFile file(makeFile(header, data));
  llvm::Expected<SafetensorsFile> opened =
      SafetensorsFile::open(file.getPath());
  ASSERT_TRUE(bool(opened)) << llvm::toString(opened.takeError());
  EXPECT_EQ(opened->names(), (std::vector<StringRef>{"a", "b", "c"}));
  EXPECT_EQ(opened->getMetadata().at("format"), "pt");
  ASSERT_NE(opened->find("c"), nullptr);
  EXPECT_EQ(opened->find("c")->dtype, SafetensorsDType::F16);
  EXPECT_EQ(opened->find("d"), nullptr);

  llvm::Expected<std::vector<float>> b = opened->getF32("b", {2, 2});
  ASSERT_TRUE(bool(b)) << llvm::toString(b.takeError());
  EXPECT_EQ(*b, (std::vector<float>{1.5f, -2.0f, 0.0f, 3.25f}));
}

TEST(SafetensorsFile, AcceptsAnEmptyFileAndZeroSizedTensors) {
  TempFile empty(makeFile("{}      ", ""));
  EXPECT_TRUE(bool(SafetensorsFile::open(empty.getPath())));
  TempFile zero(makeFile(R"({"z":{"dtype":"F32","shape":[0,3],)"
                         R"("data_offsets":[0,0]},"a":{"dtype":"U8",)"
                         R"("shape":[2],"data_offsets":[0,2]}})",
                         "xy"));
  llvm::Expected<SafetensorsFile> opened =
      SafetensorsFile::open(zero.getPath());
  ASSERT_TRUE(bool(opened)) << llvm::toString(opened.takeError());
  llvm::Expected<std::vector<float>> z = opened->getF32("z", {0, 3});
  ASSERT_TRUE(bool(z));
  EXPECT_TRUE(z->empty());
}

TEST(SafetensorsFile, RejectsAMissingFile) {
  llvm::Expected<SafetensorsFile> opened =
      SafetensorsFile::open("/nonexistent/w.safetensors");
  ASSERT_FALSE(bool(opened));
  EXPECT_EQ(llvm::toString(opened.takeError()),
            "weights file '/nonexistent/w.safetensors' cannot be read: No "
            "such file or directory");
}

TEST(SafetensorsFile, RejectsDeepNestingBeforeParsing) {
  // 50,000 levels overflowed the stack of llvm::json's recursive parser.
  std::string deep = std::string(50000, '[') + std::string(50000, ']');
  EXPECT_NE(headerError(R"({"a":)" + deep + "}", "")
                .find("header nests 50001 levels deep, more than the 16 a "
                      "safetensors header may"),
            std::string::npos);
  // Brackets inside strings are not nesting; 16 levels still parse (and
  // fail later, for what they hold).
  EXPECT_EQ(headerError(R"({"[[[[[[[[[[[[[[[[[[[[":)" + withEntry("") + "}", "")
                .find("nests"),
            std::string::npos);
  std::string sixteen = std::string(15, '[') + std::string(15, ']');
  EXPECT_EQ(headerError(R"({"a":)" + sixteen + "}", "").find("nests"),
            std::string::npos);
  std::string seventeen = std::string(16, '[') + std::string(16, ']');
  EXPECT_NE(headerError(R"({"a":)" + seventeen + "}", "").find("nests 17"),
            std::string::npos);
}

TEST(SafetensorsFile, RejectsAFileShorterThan8Bytes) {
  EXPECT_NE(openError("abcde").find("file holds 5 bytes, fewer than the 8 of "
                                    "the header length"),
            std::string::npos);
}

TEST(SafetensorsFile, RejectsAHeaderLengthPastTheEnd) {
  std::string contents = makeFile("", std::string(92, 'x'));
  llvm::support::endian::write64le(contents.data(), 4096);
  EXPECT_NE(openError(contents).find(
                ": header length 4096 runs past the end of the file (100 "
                "bytes)"),
            std::string::npos);
}

TEST(SafetensorsFile, RejectsAHugeHeaderLength) {
  std::string contents = makeFile("", std::string(8, 'x'));
  llvm::support::endian::write64le(contents.data(), ~uint64_t(0));
  EXPECT_NE(openError(contents).find("exceeds the limit of 104857600 bytes"),
            std::string::npos);
}

TEST(SafetensorsFile, RejectsAHeaderThatIsNotJson) {
  EXPECT_NE(headerError(R"({"a":)", "").find("header is not valid JSON: "),
            std::string::npos);
  EXPECT_NE(headerError("\xff\xfe{}", "").find("header is not valid JSON: "),
            std::string::npos);
}

TEST(SafetensorsFile, RejectsAHeaderThatIsNotAnObject) {
  EXPECT_NE(headerError("[1, 2]", "").find("header is not a JSON object"),
            std::string::npos);
}

TEST(SafetensorsFile, RejectsAnEntryThatIsNotAnObject) {
  EXPECT_NE(headerError(R"({"a": 3})", "")
                .find("tensor 'a': entry is not a JSON object"),
            std::string::npos);
}

TEST(SafetensorsFile, RejectsMissingFields) {
  EXPECT_NE(headerError(R"({"a":{"shape":[1],"data_offsets":[0,4]}})", "abcd")
                .find("tensor 'a': missing dtype"),
            std::string::npos);
  EXPECT_NE(headerError(R"({"a":{"dtype":"F32","data_offsets":[0,4]}})", "abcd")
                .find("tensor 'a': missing shape"),
            std::string::npos);
  EXPECT_NE(headerError(R"({"a":{"dtype":"F32","shape":[1]}})", "abcd")
                .find("tensor 'a': missing data_offsets"),
            std::string::npos);
}

TEST(SafetensorsFile, RejectsAnUnknownDType) {
  EXPECT_NE(headerError(withEntry(R"({"dtype":"F128","shape":[],)"
                                  R"("data_offsets":[4,20]})"),
                        std::string(20, 'x'))
                .find("tensor 'b': unknown dtype 'F128'"),
            std::string::npos);
  EXPECT_NE(headerError(withEntry(R"({"dtype":32,"shape":[],)"
                                  R"("data_offsets":[4,8]})"),
                        std::string(8, 'x'))
                .find("tensor 'b': dtype is not a string"),
            std::string::npos);
}

TEST(SafetensorsFile, RejectsBadShapes) {
  EXPECT_NE(headerError(R"({"a":{"dtype":"F32","shape":[1,-2],)"
                        R"("data_offsets":[0,4]}})",
                        "abcd")
                .find("tensor 'a': shape dimension 1 is negative (-2)"),
            std::string::npos);
  EXPECT_NE(headerError(R"({"a":{"dtype":"F32","shape":[1.5],)"
                        R"("data_offsets":[0,4]}})",
                        "abcd")
                .find("tensor 'a': shape dimension 0 is not an integer"),
            std::string::npos);
  EXPECT_NE(headerError(R"({"a":{"dtype":"F32","shape":4,)"
                        R"("data_offsets":[0,4]}})",
                        "abcd")
                .find("tensor 'a': shape is not an array"),
            std::string::npos);
  EXPECT_NE(headerError(R"({"a":{"dtype":"F32","shape":[4294967296,)"
                        R"(4294967296],"data_offsets":[0,4]}})",
                        "abcd")
                .find("tensor 'a': F32 shape [4294967296, 4294967296] "
                      "overflows a 64-bit byte count"),
            std::string::npos);
}

TEST(SafetensorsFile, RejectsOffsetsOutOfRange) {
  EXPECT_NE(headerError(R"({"a":{"dtype":"F32","shape":[100],)"
                        R"("data_offsets":[0,400]}})",
                        "abcd")
                .find("tensor 'a': data_offsets [0, 400] run past the end of "
                      "the data section (4 bytes)"),
            std::string::npos);
  EXPECT_NE(headerError(R"({"a":{"dtype":"F32","shape":[1],)"
                        R"("data_offsets":[0,4,8]}})",
                        "abcd")
                .find("tensor 'a': data_offsets is not a pair of "
                      "non-negative integers"),
            std::string::npos);
  EXPECT_NE(headerError(R"({"a":{"dtype":"F32","shape":[1],)"
                        R"("data_offsets":[-4,0]}})",
                        "abcd")
                .find("data_offsets is not a pair"),
            std::string::npos);
}

TEST(SafetensorsFile, RejectsBeginAfterEnd) {
  EXPECT_NE(headerError(R"({"a":{"dtype":"F32","shape":[1],)"
                        R"("data_offsets":[4,0]}})",
                        "abcd")
                .find("tensor 'a': data_offsets [4, 0] begin after they end"),
            std::string::npos);
}

TEST(SafetensorsFile, RejectsAByteCountMismatch) {
  EXPECT_NE(headerError(R"({"features.0.0.weight":{"dtype":"F32",)"
                        R"("shape":[32,3,3,3],"data_offsets":[0,10]}})",
                        std::string(10, 'x'))
                .find(": tensor 'features.0.0.weight': data_offsets [0, 10] "
                      "hold 10 bytes, but F32 shape [32, 3, 3, 3] needs 3456"),
            std::string::npos);
}

TEST(SafetensorsFile, RejectsOverlappingTensors) {
  EXPECT_NE(headerError(withEntry(R"({"dtype":"F32","shape":[1],)"
                                  R"("data_offsets":[2,6]})"),
                        std::string(8, 'x'))
                .find("tensors 'a' and 'b' overlap"),
            std::string::npos);
}

TEST(SafetensorsFile, RejectsGaps) {
  EXPECT_NE(headerError(withEntry(R"({"dtype":"F32","shape":[1],)"
                                  R"("data_offsets":[6,10]})"),
                        std::string(10, 'x'))
                .find("tensors 'a' and 'b' leave a gap of 2 bytes"),
            std::string::npos);
  EXPECT_NE(headerError(R"({"a":{"dtype":"F32","shape":[1],)"
                        R"("data_offsets":[4,8]}})",
                        std::string(8, 'x'))
                .find("data section starts with 4 bytes that no tensor "
                      "holds, before tensor 'a'"),
            std::string::npos);
}

TEST(SafetensorsFile, RejectsTrailingBytes) {
  EXPECT_NE(headerError(R"({"a":{"dtype":"F32","shape":[1],)"
                        R"("data_offsets":[0,4]}})",
                        std::string(7, 'x'))
                .find("data section holds 3 bytes after the end of its last "
                      "tensor 'a'"),
            std::string::npos);
  EXPECT_NE(headerError("{}", "xyz")
                .find("data section holds 3 bytes, but "
                      "the header names no tensor"),
            std::string::npos);
}

TEST(SafetensorsFile, RejectsBadMetadata) {
  EXPECT_NE(headerError(R"({"__metadata__":["pt"]})", "")
                .find("__metadata__ is not a JSON object"),
            std::string::npos);
  EXPECT_NE(headerError(R"({"__metadata__":{"format":"pt","step":3}})", "")
                .find("__metadata__ entry 'step' is not a string"),
            std::string::npos);
}

TEST(SafetensorsFile, RejectsDuplicateKeys) {
  EXPECT_NE(headerError(R"({"a":{"dtype":"F32","shape":[1],)"
                        R"("data_offsets":[0,4]},"\u0061":{"dtype":"F32",)"
                        R"("shape":[1],"data_offsets":[0,4]}})",
                        "abcd")
                .find("header holds key 'a' twice in one object"),
            std::string::npos);
}

TEST(SafetensorsFile, EscapesNamesToKeepOneLine) {
  // openError checks that the message is one line.
  EXPECT_NE(headerError(R"({"a\nb":{"dtype":"F32","shape":[2],)"
                        R"("data_offsets":[0,4]}})",
                        "abcd")
                .find("tensor 'a\\0Ab'"),
            std::string::npos);
}

TEST(SafetensorsFile, GetF32Errors) {
  std::string header =
      R"({"f":{"dtype":"F32","shape":[2,3],"data_offsets":[0,24]},)"
      R"("n":{"dtype":"I64","shape":[],"data_offsets":[24,32]}})";
  TempFile file(makeFile(header, std::string(32, '\0')));
  llvm::Expected<SafetensorsFile> opened =
      SafetensorsFile::open(file.getPath());
  ASSERT_TRUE(bool(opened)) << llvm::toString(opened.takeError());
  std::string path = file.getPath().str();

  llvm::Expected<std::vector<float>> missing = opened->getF32("g", {2, 3});
  ASSERT_FALSE(bool(missing));
  EXPECT_EQ(llvm::toString(missing.takeError()), path + ": no tensor 'g'");

  llvm::Expected<std::vector<float>> dtype = opened->getF32("n", {});
  ASSERT_FALSE(bool(dtype));
  EXPECT_EQ(llvm::toString(dtype.takeError()),
            path + ": tensor 'n' is I64, expected F32");

  llvm::Expected<std::vector<float>> shape = opened->getF32("f", {3, 2});
  ASSERT_FALSE(bool(shape));
  EXPECT_EQ(llvm::toString(shape.takeError()),
            path + ": tensor 'f' has shape [2, 3], expected [3, 2]");
}

//===----------------------------------------------------------------------===//
// WeightNameMap
//===----------------------------------------------------------------------===//

std::string lookup(const WeightNameMap &map, StringRef canonical) {
  llvm::Expected<std::string> name = map.lookup(canonical);
  if (!name)
    return "error: " + llvm::toString(name.takeError());
  return *name;
}

/// Expects each canonical name of `expected` to map to its name in the
/// scheme.
void expectNames(const WeightNameMap &map,
                 std::vector<std::pair<StringRef, StringRef>> expected) {
  for (auto [canonical, name] : expected)
    EXPECT_EQ(lookup(map, canonical), name) << canonical.str();
}

/// The shape of B0's names: stage 0 has no expansion, later stages do, seven
/// stages in all.
const std::vector<StringRef> kB0Names = {
    "stem.conv.weight",
    "stem.bn.weight",
    "blocks.0.0.dw.conv.weight",
    "blocks.0.0.dw.bn.running_var",
    "blocks.0.0.se.reduce.weight",
    "blocks.0.0.se.reduce.bias",
    "blocks.0.0.se.expand.weight",
    "blocks.0.0.se.expand.bias",
    "blocks.0.0.project.conv.weight",
    "blocks.0.0.project.bn.bias",
    "blocks.1.0.expand.conv.weight",
    "blocks.1.0.expand.bn.weight",
    "blocks.1.0.dw.conv.weight",
    "blocks.1.0.se.reduce.weight",
    "blocks.1.0.project.conv.weight",
    "blocks.1.1.expand.conv.weight",
    "blocks.1.1.dw.conv.weight",
    "blocks.1.1.se.reduce.weight",
    "blocks.1.1.project.conv.weight",
    "blocks.6.0.dw.conv.weight",
    "blocks.6.0.project.conv.weight",
    "head.conv.weight",
    "head.bn.running_mean",
    "head.classifier.weight",
    "head.classifier.bias",
};

TEST(TorchvisionNames, B0Names) {
  WeightNameMap map = llvm::cantFail(
      WeightNameMap::create(WeightNaming::Torchvision, kB0Names));
  EXPECT_EQ(map.getNumStages(), 7);
  expectNames(
      map,
      {
          {"stem.conv.weight", "features.0.0.weight"},
          {"stem.bn.weight", "features.0.1.weight"},
          {"stem.bn.running_var", "features.0.1.running_var"},
          {"blocks.0.0.dw.conv.weight", "features.1.0.block.0.0.weight"},
          {"blocks.0.0.dw.bn.running_var",
           "features.1.0.block.0.1.running_var"},
          {"blocks.0.0.se.reduce.weight", "features.1.0.block.1.fc1.weight"},
          {"blocks.0.0.se.reduce.bias", "features.1.0.block.1.fc1.bias"},
          {"blocks.0.0.se.expand.weight", "features.1.0.block.1.fc2.weight"},
          {"blocks.0.0.se.expand.bias", "features.1.0.block.1.fc2.bias"},
          {"blocks.0.0.project.conv.weight", "features.1.0.block.2.0.weight"},
          {"blocks.0.0.project.bn.bias", "features.1.0.block.2.1.bias"},
          {"blocks.1.0.expand.conv.weight", "features.2.0.block.0.0.weight"},
          {"blocks.1.0.expand.bn.weight", "features.2.0.block.0.1.weight"},
          {"blocks.1.0.dw.conv.weight", "features.2.0.block.1.0.weight"},
          {"blocks.1.0.se.reduce.weight", "features.2.0.block.2.fc1.weight"},
          {"blocks.1.1.project.conv.weight", "features.2.1.block.3.0.weight"},
          {"head.conv.weight", "features.8.0.weight"},
          {"head.bn.running_mean", "features.8.1.running_mean"},
          {"head.classifier.weight", "classifier.1.weight"},
          {"head.classifier.bias", "classifier.1.bias"},
      });
}

/// The shape of V2-S's names: Fused-MBConv without expansion (project only),
/// with expansion (expand, project), then MBConv; six stages.
const std::vector<StringRef> kV2Names = {
    "stem.conv.weight",
    "blocks.0.0.project.conv.weight",
    "blocks.0.0.project.bn.weight",
    "blocks.0.1.project.conv.weight",
    "blocks.1.0.expand.conv.weight",
    "blocks.1.0.expand.bn.bias",
    "blocks.1.0.project.conv.weight",
    "blocks.1.0.project.bn.running_mean",
    "blocks.3.0.expand.conv.weight",
    "blocks.3.0.dw.conv.weight",
    "blocks.3.0.se.reduce.weight",
    "blocks.3.0.se.expand.weight",
    "blocks.3.0.project.conv.weight",
    "blocks.5.14.project.conv.weight",
    "blocks.5.14.expand.conv.weight",
    "blocks.5.14.dw.conv.weight",
    "head.conv.weight",
};

TEST(TorchvisionNames, V2Names) {
  WeightNameMap map = llvm::cantFail(
      WeightNameMap::create(WeightNaming::Torchvision, kV2Names));
  EXPECT_EQ(map.getNumStages(), 6);
  expectNames(
      map,
      {
          {"blocks.0.0.project.conv.weight", "features.1.0.block.0.0.weight"},
          {"blocks.0.0.project.bn.weight", "features.1.0.block.0.1.weight"},
          {"blocks.0.1.project.conv.weight", "features.1.1.block.0.0.weight"},
          {"blocks.1.0.expand.conv.weight", "features.2.0.block.0.0.weight"},
          {"blocks.1.0.expand.bn.bias", "features.2.0.block.0.1.bias"},
          {"blocks.1.0.project.conv.weight", "features.2.0.block.1.0.weight"},
          {"blocks.1.0.project.bn.running_mean",
           "features.2.0.block.1.1.running_mean"},
          {"blocks.3.0.dw.conv.weight", "features.4.0.block.1.0.weight"},
          {"blocks.3.0.se.expand.weight", "features.4.0.block.2.fc2.weight"},
          {"blocks.3.0.project.conv.weight", "features.4.0.block.3.0.weight"},
          // Two-digit block indices; parts listed out of
          // order still number in torchvision's order.
          {"blocks.5.14.project.conv.weight", "features.6.14.block.2.0.weight"},
          {"head.conv.weight", "features.7.0.weight"},
      });
}

TEST(TorchvisionNames, RejectsNamesOutsideTheScheme) {
  WeightNameMap map = llvm::cantFail(WeightNameMap::create(
      WeightNaming::Torchvision,
      std::vector<StringRef>{"blocks.0.0.dw.conv.weight",
                             "blocks.0.0.project.conv.weight"}));
  EXPECT_EQ(lookup(map, "conv.weight"),
            "error: 'conv.weight' is not a canonical weight name");
  EXPECT_EQ(lookup(map, "blocks.0.0.bogus.conv.weight"),
            "error: 'blocks.0.0.bogus.conv.weight' is not a canonical weight "
            "name");
  EXPECT_EQ(lookup(map, "blocks.00.0.dw.conv.weight"),
            "error: 'blocks.00.0.dw.conv.weight' is not a canonical weight "
            "name");
  EXPECT_EQ(lookup(map, "blocks.0.0.dw.conv.bias"),
            "error: 'blocks.0.0.dw.conv.bias' is not a canonical weight name");
  EXPECT_EQ(lookup(map, "stem.bn.num_batches_tracked"),
            "error: 'stem.bn.num_batches_tracked' is not a canonical weight "
            "name");
  EXPECT_EQ(lookup(map, "blocks.0.0.se.squeeze.weight"),
            "error: 'blocks.0.0.se.squeeze.weight' is not a canonical weight "
            "name");
  EXPECT_EQ(lookup(map, "blocks.4.0.dw.conv.weight"),
            "error: block 'blocks.4.0' is not among the model's weights");
  EXPECT_EQ(lookup(map, "blocks.0.0.expand.conv.weight"),
            "error: block 'blocks.0.0' has no part 'expand' among the model's "
            "weights");
}

/// EfficientNet-PyTorch numbers blocks across stages: B0's stage 0 has one
/// block, so blocks.1.0 is _blocks.1 and blocks.1.1 _blocks.2; the seventh
/// stage's block follows every block the map has seen.
TEST(EfficientNetPyTorchNames, B0Names) {
  WeightNameMap map = llvm::cantFail(
      WeightNameMap::create(WeightNaming::EfficientNetPyTorch, kB0Names));
  expectNames(
      map,
      {
          {"stem.conv.weight", "_conv_stem.weight"},
          {"stem.bn.running_var", "_bn0.running_var"},
          {"blocks.0.0.dw.conv.weight", "_blocks.0._depthwise_conv.weight"},
          {"blocks.0.0.dw.bn.running_var", "_blocks.0._bn1.running_var"},
          {"blocks.0.0.se.reduce.bias", "_blocks.0._se_reduce.bias"},
          {"blocks.0.0.se.expand.weight", "_blocks.0._se_expand.weight"},
          {"blocks.0.0.project.conv.weight", "_blocks.0._project_conv.weight"},
          {"blocks.0.0.project.bn.bias", "_blocks.0._bn2.bias"},
          {"blocks.1.0.expand.conv.weight", "_blocks.1._expand_conv.weight"},
          {"blocks.1.0.expand.bn.weight", "_blocks.1._bn0.weight"},
          {"blocks.1.1.dw.conv.weight", "_blocks.2._depthwise_conv.weight"},
          {"blocks.6.0.project.conv.weight", "_blocks.3._project_conv.weight"},
          {"head.conv.weight", "_conv_head.weight"},
          {"head.bn.running_mean", "_bn1.running_mean"},
          {"head.classifier.weight", "_fc.weight"},
          {"head.classifier.bias", "_fc.bias"},
      });
}

/// Block 10 of a stage comes after block 9, not after block 1.
TEST(EfficientNetPyTorchNames, NumbersBlocksInOrder) {
  std::vector<StringRef> names;
  std::vector<std::string> storage;
  for (int block : {10, 2, 0, 1, 9, 3, 4, 5, 6, 7, 8})
    storage.push_back("blocks.0." + std::to_string(block) + ".dw.conv.weight");
  storage.push_back("blocks.1.0.dw.conv.weight");
  for (const std::string &name : storage)
    names.push_back(name);
  WeightNameMap map = llvm::cantFail(
      WeightNameMap::create(WeightNaming::EfficientNetPyTorch, names));
  EXPECT_EQ(lookup(map, "blocks.0.9.dw.conv.weight"),
            "_blocks.9._depthwise_conv.weight");
  EXPECT_EQ(lookup(map, "blocks.0.10.dw.conv.weight"),
            "_blocks.10._depthwise_conv.weight");
  EXPECT_EQ(lookup(map, "blocks.1.0.dw.conv.weight"),
            "_blocks.11._depthwise_conv.weight");
}

TEST(EfficientNetPyTorchNames, RejectsFusedBlocks) {
  llvm::Expected<WeightNameMap> map =
      WeightNameMap::create(WeightNaming::EfficientNetPyTorch, kV2Names);
  ASSERT_FALSE(bool(map));
  EXPECT_EQ(llvm::toString(map.takeError()),
            "efficientnet-pytorch names EfficientNet-B models only, and block "
            "'blocks.0.0' is a Fused-MBConv block (EfficientNetV2): give "
            "another naming");
}

/// timm's B0: stage 0 is DepthwiseSeparableConv (conv_dw, bn1, se, conv_pw,
/// bn2), the others InvertedResidual (conv_pw, bn1, conv_dw, bn2, se,
/// conv_pwl, bn3).
TEST(TimmNames, B0Names) {
  WeightNameMap map =
      llvm::cantFail(WeightNameMap::create(WeightNaming::Timm, kB0Names));
  expectNames(
      map,
      {
          {"stem.conv.weight", "conv_stem.weight"},
          {"stem.bn.weight", "bn1.weight"},
          {"blocks.0.0.dw.conv.weight", "blocks.0.0.conv_dw.weight"},
          {"blocks.0.0.dw.bn.running_var", "blocks.0.0.bn1.running_var"},
          {"blocks.0.0.se.reduce.weight", "blocks.0.0.se.conv_reduce.weight"},
          {"blocks.0.0.se.expand.bias", "blocks.0.0.se.conv_expand.bias"},
          {"blocks.0.0.project.conv.weight", "blocks.0.0.conv_pw.weight"},
          {"blocks.0.0.project.bn.bias", "blocks.0.0.bn2.bias"},
          {"blocks.1.0.expand.conv.weight", "blocks.1.0.conv_pw.weight"},
          {"blocks.1.0.expand.bn.weight", "blocks.1.0.bn1.weight"},
          {"blocks.1.0.dw.conv.weight", "blocks.1.0.conv_dw.weight"},
          {"blocks.1.0.dw.bn.weight", "blocks.1.0.bn2.weight"},
          {"blocks.1.1.project.conv.weight", "blocks.1.1.conv_pwl.weight"},
          {"blocks.1.1.project.bn.running_mean", "blocks.1.1.bn3.running_mean"},
          {"head.conv.weight", "conv_head.weight"},
          {"head.bn.running_mean", "bn2.running_mean"},
          {"head.classifier.weight", "classifier.weight"},
      });
}

/// timm's V2-S: stage 0 is ConvBnAct (conv, bn1), stages 1-2 EdgeResidual
/// (conv_exp, bn1, conv_pwl, bn2), then InvertedResidual.
TEST(TimmNames, V2Names) {
  WeightNameMap map =
      llvm::cantFail(WeightNameMap::create(WeightNaming::Timm, kV2Names));
  expectNames(
      map,
      {
          {"blocks.0.0.project.conv.weight", "blocks.0.0.conv.weight"},
          {"blocks.0.0.project.bn.weight", "blocks.0.0.bn1.weight"},
          {"blocks.1.0.expand.conv.weight", "blocks.1.0.conv_exp.weight"},
          {"blocks.1.0.expand.bn.bias", "blocks.1.0.bn1.bias"},
          {"blocks.1.0.project.conv.weight", "blocks.1.0.conv_pwl.weight"},
          {"blocks.1.0.project.bn.running_mean", "blocks.1.0.bn2.running_mean"},
          {"blocks.3.0.expand.conv.weight", "blocks.3.0.conv_pw.weight"},
          {"blocks.3.0.project.conv.weight", "blocks.3.0.conv_pwl.weight"},
          {"blocks.5.14.dw.conv.weight", "blocks.5.14.conv_dw.weight"},
      });
}

TEST(CanonicalNames, MapToThemselves) {
  WeightNameMap map =
      llvm::cantFail(WeightNameMap::create(WeightNaming::Canonical, kV2Names));
  EXPECT_EQ(lookup(map, "blocks.0.0.project.conv.weight"),
            "blocks.0.0.project.conv.weight");
  EXPECT_EQ(lookup(map, "m.w"), "m.w");
}

//===----------------------------------------------------------------------===//
// WeightNaming
//===----------------------------------------------------------------------===//

std::string detect(std::vector<StringRef> names) {
  llvm::Expected<WeightNaming> naming = detectWeightNaming(names);
  if (!naming)
    return "error: " + llvm::toString(naming.takeError());
  return getWeightNamingName(*naming).str();
}

TEST(WeightNaming, NamesRoundTrip) {
  for (WeightNaming naming : getWeightNamings())
    EXPECT_EQ(lookupWeightNaming(getWeightNamingName(naming)), naming);
  EXPECT_EQ(lookupWeightNaming("onnx"), std::nullopt);
  EXPECT_EQ(listWeightNamings(),
            "'torchvision', 'efficientnet-pytorch', 'timm' or 'canonical'");
}

TEST(WeightNaming, Detects) {
  EXPECT_EQ(detect({"classifier.1.bias", "features.0.0.weight",
                    "features.0.1.num_batches_tracked"}),
            "torchvision");
  EXPECT_EQ(detect({"_blocks.0._bn1.bias", "_bn0.num_batches_tracked",
                    "_conv_stem.weight", "_fc.bias"}),
            "efficientnet-pytorch");
  EXPECT_EQ(detect({"blocks.0.0.conv_dw.weight", "bn1.weight", "bn2.bias",
                    "classifier.bias", "conv_stem.weight"}),
            "timm");
  EXPECT_EQ(detect({"blocks.0.0.dw.conv.weight", "head.conv.weight",
                    "stem.bn.weight"}),
            "canonical");
  // Names that fit several schemes: the first of them.
  EXPECT_EQ(detect({"blocks.0.0.dw.conv.weight"}), "timm");
  EXPECT_EQ(detect({}), "torchvision");
}

TEST(WeightNaming, NamesTheFirstTensorThatFitsNone) {
  EXPECT_EQ(detect({"features.0.0.weight", "model.fc.weight", "zzz"}),
            "error: tensor 'model.fc.weight' fits no naming (known: "
            "'torchvision', 'efficientnet-pytorch', 'timm' or 'canonical')");
  EXPECT_EQ(detect({"blocks.0.0.conv_dw.weight", "features.0.0.weight"}),
            "error: tensor 'features.0.0.weight' fits no naming that the "
            "tensors before it fit ('timm' or 'canonical')");
}

//===----------------------------------------------------------------------===//
// randomWeight
//===----------------------------------------------------------------------===//

void expectWithin(const std::vector<float> &values, double lo, double hi) {
  ASSERT_FALSE(values.empty());
  float min = *std::min_element(values.begin(), values.end());
  float max = *std::max_element(values.begin(), values.end());
  EXPECT_GE(min, lo);
  EXPECT_LE(max, hi);
  // Enough draws reach close to both ends.
  if (values.size() >= 1000) {
    EXPECT_LT(min, lo + 0.01 * (hi - lo));
    EXPECT_GT(max, hi - 0.01 * (hi - lo));
  }
}

TEST(RandomWeight, IsDeterministic) {
  std::vector<float> a =
      randomWeight("blocks.1.0.dw.conv.weight", {96, 1, 3, 3}, 7);
  EXPECT_EQ(a, randomWeight("blocks.1.0.dw.conv.weight", {96, 1, 3, 3}, 7));
  EXPECT_NE(a, randomWeight("blocks.1.0.dw.conv.weight", {96, 1, 3, 3}, 8));
  EXPECT_NE(a, randomWeight("blocks.1.1.dw.conv.weight", {96, 1, 3, 3}, 7));
  EXPECT_EQ(a.size(), 96u * 9u);
}

TEST(RandomWeight, IsPortable) {
  // Pinned values: SplitMix64 and FNV-1a are defined to the bit, so these
  // hold on every platform and standard library.
  std::vector<float> v = randomWeight("stem.bn.running_var", {4}, 0);
  ASSERT_EQ(v.size(), 4u);
  EXPECT_EQ(v, (std::vector<float>{0x1.d3fep-1f, 0x1.4a6d08p+0f, 0x1.217472p-1f,
                                   0x1.28473ap-1f}));
}

TEST(RandomWeight, RangesFollowTheName) {
  expectWithin(randomWeight("stem.bn.running_var", {2000}, 1), 0.5, 1.5);
  expectWithin(randomWeight("stem.bn.running_mean", {2000}, 1), -0.2, 0.2);
  expectWithin(randomWeight("blocks.0.0.dw.bn.weight", {2000}, 1), 0.5, 1.5);
  expectWithin(randomWeight("blocks.0.0.dw.bn.bias", {2000}, 1), -0.2, 0.2);
  expectWithin(randomWeight("blocks.0.0.se.reduce.bias", {2000}, 1), -0.2, 0.2);
  expectWithin(randomWeight("head.classifier.bias", {2000}, 1), -0.2, 0.2);
  // fan_in 3 * 3 * 3 = 27: a = sqrt(3 / 27) = 1 / 3.
  std::vector<float> conv = randomWeight("stem.conv.weight", {320, 3, 3, 3}, 1);
  expectWithin(conv, -1.0 / 3.0, 1.0 / 3.0);
  // U[-a, a] has variance a^2 / 3 = 1 / fan_in, which keeps activations in
  // scale layer after layer.
  double sum = 0, squares = 0;
  for (float x : conv) {
    sum += x;
    squares += double(x) * x;
  }
  double mean = sum / conv.size();
  EXPECT_NEAR(mean, 0.0, 0.02);
  EXPECT_NEAR(squares / conv.size() - mean * mean, 1.0 / 27.0, 0.004);
  // fan_in 1280 for a dense weight.
  // A scalar or a vector weight has fan_in 1.
  expectWithin(randomWeight("w", {}, 1), -std::sqrt(3.0), std::sqrt(3.0));
  EXPECT_EQ(randomWeight("w", {}, 1).size(), 1u);
  expectWithin(randomWeight("w", {3000}, 1), -std::sqrt(3.0), std::sqrt(3.0));
  EXPECT_TRUE(randomWeight("w", {4, 0, 3}, 1).empty());
  expectWithin(randomWeight("head.classifier.weight", {10, 1280}, 1),
               -std::sqrt(3.0 / 1280), std::sqrt(3.0 / 1280));
}

} // namespace

//===----------------------------------------------------------------------===//
// The weight-name scheme
//===----------------------------------------------------------------------===//

TEST(WeightNames, SplitAndOwner) {
  using namespace mlir::effnet::weight_name;
  EXPECT_EQ(makeWeightName("blocks.1.0.dw", kBatchNorm, kRunningVar),
            "blocks.1.0.dw.bn.running_var");
  WeightNameParts parts = splitWeightName("blocks.1.0.se.reduce.bias");
  EXPECT_EQ(parts.owner, "blocks.1.0.se");
  EXPECT_EQ(parts.layer, "reduce");
  EXPECT_EQ(parts.param, "bias");
  parts = splitWeightName("w.bias");
  EXPECT_EQ(parts.owner, "");
  EXPECT_EQ(parts.layer, "w");
  EXPECT_EQ(parts.param, "bias");
  parts = splitWeightName("w");
  EXPECT_EQ(parts.owner, "");
  EXPECT_EQ(parts.layer, "");
  EXPECT_EQ(parts.param, "w");
  EXPECT_EQ(getWeightOwner("blocks.0.0.dw.conv.weight"), "blocks.0.0.dw");
  EXPECT_EQ(getWeightOwner("blocks.0.0.dw.folded.bias"), "blocks.0.0.dw");
  EXPECT_EQ(getWeightOwner("stem.conv.weight"), "stem");
  EXPECT_EQ(getWeightOwner("blocks.0.0.se.reduce.weight"),
            "blocks.0.0.se.reduce");
  EXPECT_EQ(getWeightOwner("head.classifier.weight"), "head.classifier");
  EXPECT_EQ(getWeightOwner("w.weight"), "w");
  EXPECT_EQ(getWeightOwner("w"), "w");
}
