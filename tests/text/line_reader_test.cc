#include "slide/text/line_reader.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

namespace slide::text {
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
  const std::string data = std::string(LineReader::kCapacity * 2 + 17, 'x') + "\nshort\n";
  LineReader reader(trickle(data, 1 << 16));
  std::string line;
  ASSERT_TRUE(reader.line(line));
  EXPECT_EQ(line.size(), LineReader::kCapacity * 2 + 17);
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

}  // namespace
}  // namespace slide::text
