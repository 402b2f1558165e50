#include "slide/io/line_reader.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "slide/core/error.h"

namespace slide::io {
namespace {

// Hands out the data `step` bytes at a time.
ByteSource trickle(const std::string& data, std::size_t step) {
  auto pos = std::make_shared<std::size_t>(0);
  return {[&data, step, pos](char* buf, std::size_t n) {
            const std::size_t take = std::min({n, step, data.size() - *pos});
            std::copy_n(data.data() + *pos, take, buf);
            *pos += take;
            return take;
          },
          "trickle"};
}

TEST(LineReader, LinesNumbersAndLineEnds) {
  const std::string data = "a\r\n\nb c\r\r\nlast";
  for (std::size_t step : {1, 2, 3, 100}) {
    LineReader reader(trickle(data, step));
    std::string line;
    std::vector<std::string> lines;
    while (reader.line(line)) {
      lines.push_back(line);
      EXPECT_EQ(reader.line_number(), lines.size());
    }
    EXPECT_EQ(lines, (std::vector<std::string>{"a", "", "b c\r", "last"})) << step;
    EXPECT_EQ(reader.offset(), data.size());
    EXPECT_FALSE(reader.line(line));
  }
}

TEST(LineReader, LineLongerThanTheBuffer) {
  const std::string data = std::string(LineReader::kBlockBytes * 2 + 17, 'x') + "\nshort\n";
  LineReader reader(trickle(data, 1 << 16));
  std::string line;
  ASSERT_TRUE(reader.line(line));
  EXPECT_EQ(line.size(), LineReader::kBlockBytes * 2 + 17);
  ASSERT_TRUE(reader.line(line));
  EXPECT_EQ(line, "short");
  EXPECT_FALSE(reader.line(line));
}

TEST(LineReader, BinaryWindowAndExactReads) {
  std::string data;
  for (int i = 0; i < 5000; ++i) data += static_cast<char>(i * 7);
  LineReader reader(trickle(data, 33));
  ASSERT_GE(reader.ensure(100), 100u);
  EXPECT_EQ(std::string(reader.data(), 100), data.substr(0, 100));
  reader.skip(10);
  std::string out(4000, '\0');
  EXPECT_EQ(reader.read(out.data(), out.size()), 4000u);
  EXPECT_EQ(out, data.substr(10, 4000));
  std::string rest(2000, '\0');
  EXPECT_EQ(reader.read(rest.data(), rest.size()), 990u);  // the input ends first
  EXPECT_EQ(rest.substr(0, 990), data.substr(4010));
  EXPECT_EQ(reader.ensure(1), 0u);
}

std::vector<std::string> all_lines(LineReader& reader) {
  std::vector<std::string> lines;
  std::string_view line;
  while (reader.next(line)) {
    lines.emplace_back(line);
    EXPECT_EQ(reader.line_number(), lines.size());
  }
  return lines;
}

std::vector<std::string> lines_of(const std::string& text, std::size_t step) {
  LineReader reader(trickle(text, step));
  return all_lines(reader);
}

TEST(LineReader, NextKeepsCarriageReturnsForTheParsers) {
  using Lines = std::vector<std::string>;
  for (std::size_t step : {1, 3, 100}) {
    EXPECT_EQ(lines_of("", step), Lines{});
    EXPECT_EQ(lines_of("\n", step), Lines{""});
    EXPECT_EQ(lines_of("a", step), Lines{"a"});
    EXPECT_EQ(lines_of("a\n", step), Lines{"a"});
    EXPECT_EQ(lines_of("a\n\nb", step), (Lines{"a", "", "b"}));
    EXPECT_EQ(lines_of("a\r\n", step), Lines{"a\r"});
  }
}

TEST(LineReader, LinesAcrossAndBeyondBlocksWhateverTheReadSizes) {
  // Lines from empty to several MiB, so that lines straddle the blocks and outgrow them.
  std::mt19937 gen(3);
  std::string text;
  std::vector<std::string> expected;
  for (int i = 0; i < 300; ++i) {
    const std::size_t length = i == 100 ? (std::size_t{3} << 20) : gen() % 20000;
    expected.emplace_back(length, static_cast<char>('a' + i % 26));
    text += expected.back() + '\n';
  }
  text += "last";
  expected.emplace_back("last");
  for (std::size_t step : {std::size_t{4093}, std::size_t{1} << 20, text.size()}) {
    EXPECT_EQ(lines_of(text, step), expected) << step;
  }
}

TEST(LineReader, TooLongALineIsADataErrorNamingIt) {
  const std::string text = "ok\n" + std::string(100, 'x') + "\n";
  LineReader reader(memory_source(text, "data.txt", 7));
  reader.set_max_line_bytes(64);
  std::string_view line;
  ASSERT_TRUE(reader.next(line));
  try {
    reader.next(line);
    FAIL() << "no error";
  } catch (const DataError& e) {
    EXPECT_NE(std::string(e.what()).find("data.txt:2"), std::string::npos) << e.what();
  }
}

TEST(LineReader, MemorySourceHandsOutAtMostMaxRead) {
  ByteSource source = memory_source("abcdefg", "m", 3);
  char buffer[8];
  EXPECT_EQ(source.read(buffer, 8), 3u);
  EXPECT_EQ(source.read(buffer, 2), 2u);
  EXPECT_EQ(source.read(buffer, 8), 2u);
  EXPECT_EQ(source.read(buffer, 8), 0u);
  EXPECT_EQ(source.name, "m");
}

}  // namespace
}  // namespace slide::io
