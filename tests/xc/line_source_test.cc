#include "slide/xc/line_source.h"

#include <gtest/gtest.h>

#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "slide/core/error.h"

namespace slide::xc {
namespace {

std::vector<std::string> all_lines(LineSource& in) {
  std::vector<std::string> lines;
  std::string_view line;
  while (in.next(line)) {
    lines.emplace_back(line);
    EXPECT_EQ(in.line_number(), lines.size());
  }
  return lines;
}

std::vector<std::string> stream_lines(const std::string& text) {
  std::istringstream stream(text);
  StreamLineSource in(stream, "s");
  return all_lines(in);
}

std::vector<std::string> string_lines(const std::string& text) {
  StringLineSource in(text, "s");
  return all_lines(in);
}

TEST(LineSource, EndsOfLines) {
  using Lines = std::vector<std::string>;
  EXPECT_EQ(stream_lines(""), Lines{});
  EXPECT_EQ(stream_lines("\n"), Lines{""});
  EXPECT_EQ(stream_lines("a"), Lines{"a"});
  EXPECT_EQ(stream_lines("a\n"), Lines{"a"});
  EXPECT_EQ(stream_lines("a\n\nb"), (Lines{"a", "", "b"}));
  EXPECT_EQ(stream_lines("a\r\n"), Lines{"a\r"});  // '\r' is left to the parsers
  EXPECT_EQ(string_lines("a\n\nb\n"), (Lines{"a", "", "b"}));
  EXPECT_EQ(string_lines(""), Lines{});
}

TEST(LineSource, StreamAgreesWithStringAcrossBlockBoundaries) {
  // Lines from empty to several MiB, so that lines straddle the 1 MiB blocks and outgrow them.
  std::mt19937 gen(3);
  std::string text;
  for (int i = 0; i < 300; ++i) {
    const std::size_t length = i == 100 ? (std::size_t{3} << 20) : gen() % 20000;
    text.append(length, static_cast<char>('a' + i % 26));
    text += '\n';
  }
  text += "last";
  const std::vector<std::string> expected = string_lines(text);
  ASSERT_EQ(expected.size(), 301u);
  EXPECT_EQ(stream_lines(text), expected);
}

TEST(LineSource, Names) {
  std::istringstream stream("x");
  StreamLineSource in(stream, "<stdin>");
  EXPECT_EQ(in.name(), "<stdin>");
  EXPECT_EQ(in.line_number(), 0u);
}

}  // namespace
}  // namespace slide::xc
