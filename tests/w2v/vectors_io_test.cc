#include "slide/w2v/vectors_io.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <random>
#include <sstream>

#include "slide/core/error.h"

namespace slide::w2v {
namespace {

using namespace std::string_literals;

WordVectors tiny() {
  WordVectors v;
  v.words = {"</s>", "a", "h\xc3\xa9llo"};
  v.dim = 2;
  v.values = {0.5f, -1.25f, 0.1f, 3.0f, -4e-7f, 12345.678f};
  return v;
}

std::string write(const WordVectors& v, VectorFormat format) {
  std::ostringstream out;
  write_vectors(v, format, out, "out");
  return out.str();
}

WordVectors read(const std::string& bytes, VectorFormat format = VectorFormat::automatic,
                 std::size_t max_words = 0) {
  std::istringstream in(bytes);
  return read_vectors(io::istream_source(in, "vectors"), {format, max_words});
}

TEST(VectorsIo, Word2vecTextBytes) {
  EXPECT_EQ(write(tiny(), VectorFormat::word2vec_text),
            "3 2\n"
            "</s> 0.500000 -1.250000 \n"
            "a 0.100000 3.000000 \n"
            "h\xc3\xa9llo -0.000000 12345.677734 \n");
}

TEST(VectorsIo, FastTextVecBytes) {
  EXPECT_EQ(write(tiny(), VectorFormat::fasttext_vec),
            "3 2\n"
            "</s> 0.5 -1.25 \n"
            "a 0.1 3 \n"
            "h\xc3\xa9llo -4e-07 12346 \n");
}

TEST(VectorsIo, Word2vecBinaryBytes) {
  WordVectors v = tiny();
  v.words.resize(2);
  v.values.resize(4);
  EXPECT_EQ(write(v, VectorFormat::word2vec_binary),
            "2 2\n"
            "</s> \x00\x00\x00\x3f\x00\x00\xa0\xbf\n"
            "a \xcd\xcc\xcc\x3d\x00\x00\x40\x40\n"s);
}

TEST(VectorsIo, FormattingMatchesPrintfOnRandomFloats) {
  std::mt19937_64 rng(123);
  std::uniform_real_distribution<float> typical(-3.0f, 3.0f);
  char ours[64], theirs[512];
  for (int i = 0; i < 400000; ++i) {
    float x;
    if (i % 2 == 0) {
      const auto bits = static_cast<std::uint32_t>(rng());
      std::memcpy(&x, &bits, 4);  // every exponent, subnormals, inf and nan included
    } else {
      x = typical(rng);
    }
    *format_fixed6(ours, x) = '\0';
    std::snprintf(theirs, sizeof theirs, "%lf", static_cast<double>(x));
    ASSERT_STREQ(ours, theirs) << "fixed6 of bits " << std::hex << std::bit_cast<std::uint32_t>(x);
    *format_g5(ours, x) = '\0';
    std::snprintf(theirs, sizeof theirs, "%.5g", static_cast<double>(x));
    ASSERT_STREQ(ours, theirs) << "g5 of bits " << std::hex << std::bit_cast<std::uint32_t>(x);
  }
}

void expect_same(const WordVectors& a, const WordVectors& b, float tolerance) {
  ASSERT_EQ(a.words, b.words);
  ASSERT_EQ(a.dim, b.dim);
  ASSERT_EQ(a.values.size(), b.values.size());
  for (std::size_t i = 0; i < a.values.size(); ++i) {
    EXPECT_NEAR(a.values[i], b.values[i], tolerance * std::max(1.0f, std::fabs(a.values[i]))) << i;
  }
}

TEST(VectorsIo, RoundTripsAndDetection) {
  const WordVectors v = tiny();
  for (auto format : {VectorFormat::word2vec_text, VectorFormat::fasttext_vec}) {
    expect_same(read(write(v, format)), v, 1e-4f);
    expect_same(read(write(v, format), format), v, 1e-4f);
  }
  const std::string binary = write(v, VectorFormat::word2vec_binary);
  expect_same(read(binary), v, 0);
  expect_same(read(binary, VectorFormat::word2vec_binary), v, 0);
}

TEST(VectorsIo, BinaryWithoutNewlinesGensimStyle) {
  const std::string bytes =
      "2 2\n"
      "</s> \x00\x00\x00\x3f\x00\x00\xa0\xbf"
      "a \xcd\xcc\xcc\x3d\x00\x00\x40\x40"s;
  const WordVectors v = read(bytes);
  EXPECT_EQ(v.words, (std::vector<std::string>{"</s>", "a"}));
  EXPECT_EQ(v.values, (std::vector<float>{0.5f, -1.25f, 0.1f, 3.0f}));
}

TEST(VectorsIo, BinaryValueBytesThatLookLikeSeparators) {
  // Floats whose bytes are 0x20 and 0x0A must not confuse the reader.
  WordVectors v;
  v.words = {"x", "y"};
  v.dim = 3;
  float tricky;
  const std::uint32_t bits = 0x0A200A20;
  std::memcpy(&tricky, &bits, 4);
  v.values = {tricky, 1.0f, tricky, -2.0f, tricky, 0.0f};
  expect_same(read(write(v, VectorFormat::word2vec_binary), VectorFormat::word2vec_binary), v, 0);
}

TEST(VectorsIo, TextToleratesCrlfTrailingBlanksAndNoFinalNewline) {
  const WordVectors v = read("2 3\r\nx 1 2 3 \r\ny\t-1.5e0  +2 3e-1\t ");
  EXPECT_EQ(v.words, (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(v.values, (std::vector<float>{1, 2, 3, -1.5f, 2, 0.3f}));
}

TEST(VectorsIo, MaxWordsStopsEarly) {
  const WordVectors v =
      read(write(tiny(), VectorFormat::word2vec_binary), VectorFormat::automatic, 2);
  EXPECT_EQ(v.size(), 2u);
  // The remaining lines are not even looked at.
  EXPECT_EQ(read("3 1\na 1\nb 2\ngarbage here\n", VectorFormat::word2vec_text, 2).size(), 2u);
}

void expect_error(const std::string& bytes, VectorFormat format, std::uint64_t line,
                  const std::string& fragment) {
  try {
    read(bytes, format);
    ADD_FAILURE() << "no error";
  } catch (const DataError& e) {
    EXPECT_EQ(e.file(), "vectors");
    EXPECT_EQ(e.line(), line) << e.what();
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

TEST(VectorsIo, TextErrors) {
  const auto text = VectorFormat::word2vec_text;
  expect_error("", text, 1, "header");
  expect_error("3\n", text, 1, "header");
  expect_error("2 x\n", text, 1, "header");
  expect_error("2 0\n", text, 1, "positive dimension");
  expect_error("2 2\na 1 2\nb 1\n", text, 3, "2 values after the word, got 1");
  expect_error("2 2\na 1 2 3\nb 1 2\n", text, 2, "got more");
  expect_error("2 2\na 1 2\nb 1 zz\n", text, 3, "a number, got 'zz'");
  expect_error("2 2\na 1 2\nb 1 2x\n", text, 3, "a number, got '2x'");
  expect_error("3 2\na 1 2\nb 1 2\n", text, 3, "3 vectors as the header says, got 2");
  expect_error("1 2\na 1 2\nb 1 2\n", text, 3, "end of the file");
  expect_error("2 2\na 1 2\n\nb 1 2\n", text, 3, "empty line");
}

TEST(VectorsIo, BinaryErrors) {
  const auto bin = VectorFormat::word2vec_binary;
  const std::string good = write(tiny(), bin);
  for (std::size_t cut = 4; cut < good.size() - 1; ++cut) {
    try {
      read(good.substr(0, cut), bin);
      ADD_FAILURE() << "no error when cut at " << cut;
    } catch (const DataError& e) {
      EXPECT_NE(std::string(e.what()).find("truncated"), std::string::npos) << e.what();
    }
  }
  expect_error(good + "extra", bin, 0, "end of the file");
  expect_error("1 2\n" + std::string(2 << 20, 'x'), bin, 0, "at most 1 MiB");
}

TEST(VectorsIo, AbsurdHeaders) {
  // A huge count is not allocated up front: the file simply turns out to be short.
  expect_error("100000000000000 300\na 1\n", VectorFormat::word2vec_text, 2, "300 values");
  expect_error("18446744073709551615 2\n", VectorFormat::word2vec_text, 1, "fit in memory");
}

TEST(VectorsIo, LargeValuesAndFormatNames) {
  // Below float's range reads as 0; beyond it, NaN and infinity are errors (issue 8: such a
  // vector would poison every cosine it enters).
  const WordVectors v = read("1 3\nw 1e-50 -1e-50 3e38\n");
  EXPECT_EQ(v.values[0], 0.0f);
  EXPECT_EQ(v.values[1], 0.0f);
  EXPECT_EQ(v.values[2], 3e38f);
  for (const char* bad : {"1e50", "-1e50", "nan", "inf", "-inf", "infinity", "1e300", "1e999"}) {
    expect_error(std::string("1 2\nw 1 ") + bad + "\n", VectorFormat::word2vec_text, 2,
                 "a finite number within float range");
  }
  EXPECT_EQ(parse_vector_format("w2v-bin"), VectorFormat::word2vec_binary);
  EXPECT_THROW(parse_vector_format("bin"), UsageError);
}

}  // namespace
}  // namespace slide::w2v
