#include "slide/io/compression.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace slide::io {
namespace {

Compression detect(const std::vector<unsigned char>& bytes) {
  return detect_compression(bytes);
}

TEST(DetectCompression, RecognisesEachMagic) {
  EXPECT_EQ(detect({0x1F, 0x8B, 0x08, 0x00, 0x00, 0x00}), Compression::kGzip);
  EXPECT_EQ(detect({0x28, 0xB5, 0x2F, 0xFD, 0x20, 0x00}), Compression::kZstd);
  EXPECT_EQ(detect({0x50, 0x2A, 0x4D, 0x18, 0x00, 0x00}), Compression::kZstd);
  EXPECT_EQ(detect({0x5F, 0x2A, 0x4D, 0x18, 0x00, 0x00}), Compression::kZstd);
  EXPECT_EQ(detect({'B', 'Z', 'h', '9', '1', 'A'}), Compression::kBzip2);
  EXPECT_EQ(detect({0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00}), Compression::kXz);
}

TEST(DetectCompression, TextIsPlain) {
  EXPECT_EQ(detect({}), Compression::kNone);
  EXPECT_EQ(detect({'a'}), Compression::kNone);
  EXPECT_EQ(detect({'h', 'e', 'l', 'l', 'o', ' '}), Compression::kNone);
  // Text that happens to start like the bzip2 magic, without its block-size digit.
  EXPECT_EQ(detect({'B', 'Z', 'h', 'a', 'n', 'g'}), Compression::kNone);
  EXPECT_EQ(detect({'B', 'Z', 'h'}), Compression::kNone);
  EXPECT_EQ(detect({'P', '*', 'M', 'x', 'y', 'z'}), Compression::kNone);
  // gzip's ID bytes with a method other than deflate are not gzip.
  EXPECT_EQ(detect({0x1F, 0x8B, 0x07, 0x00, 0x00, 0x00}), Compression::kNone);
  // xz magic with a wrong last byte.
  EXPECT_EQ(detect({0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x01}), Compression::kNone);
}

TEST(DetectCompression, WholeStreamCutInsideABinaryMagicKeepsItsFormat) {
  EXPECT_EQ(detect({0x1F, 0x8B}), Compression::kGzip);
  EXPECT_EQ(detect({0x28, 0xB5, 0x2F}), Compression::kZstd);
  EXPECT_EQ(detect({0xFD, 0x37, 0x7A, 0x58, 0x5A}), Compression::kXz);
  // A single byte is always a (tiny) plain text.
  EXPECT_EQ(detect({0x1F}), Compression::kNone);
  EXPECT_EQ(detect({0x28}), Compression::kNone);
}

TEST(CouldStartMagic, AsksForMoreBytesOnlyWhileAFormatIsPossible) {
  auto could = [](const std::vector<unsigned char>& bytes) { return could_start_magic(bytes); };
  EXPECT_TRUE(could({}));
  EXPECT_TRUE(could({0x1F}));
  EXPECT_TRUE(could({0x1F, 0x8B}));
  EXPECT_FALSE(could({0x1F, 0x8B, 0x08}));  // complete gzip magic
  EXPECT_TRUE(could({0x28, 0xB5, 0x2F}));
  EXPECT_FALSE(could({0x28, 0xB5, 0x2F, 0xFD}));
  EXPECT_TRUE(could({0x5A, 0x2A, 0x4D}));
  EXPECT_TRUE(could({0xFD, 0x37, 0x7A, 0x58, 0x5A}));
  EXPECT_TRUE(could({'B', 'Z', 'h'}));
  EXPECT_FALSE(could({'B', 'Z', 'h', '9'}));
  EXPECT_FALSE(could({'a'}));
  EXPECT_FALSE(could({'B', 'a'}));
  EXPECT_FALSE(could({'P', 'a'}));
  EXPECT_FALSE(could({0x1F, 0x00}));
}

TEST(CompressionName, NamesEveryFormat) {
  EXPECT_STREQ(compression_name(Compression::kNone), "plain");
  EXPECT_STREQ(compression_name(Compression::kGzip), "gzip");
  EXPECT_STREQ(compression_name(Compression::kZstd), "zstd");
  EXPECT_STREQ(compression_name(Compression::kBzip2), "bzip2");
  EXPECT_STREQ(compression_name(Compression::kXz), "xz");
}

}  // namespace
}  // namespace slide::io
