// The text line reader on hostile input (issue 8): a line without end is refused in bounded memory,
// naming its line; lines up to the limit are read whole.

#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "slide/core/error.h"
#include "slide/io/line_reader.h"

namespace slide::text {
namespace {

// `prefix`, then 'a' forever; *pulled counts the bytes handed out.
io::ByteSource endless(std::string prefix, std::uint64_t* pulled) {
  auto offset = std::make_shared<std::size_t>(0);
  return {[prefix, offset, pulled](char* buf, std::size_t n) -> std::size_t {
            std::size_t got = 0;
            if (*offset < prefix.size()) {
              got = std::min(n, prefix.size() - *offset);
              std::memcpy(buf, prefix.data() + *offset, got);
              *offset += got;
            } else {
              std::memset(buf, 'a', n);
              got = n;
            }
            *pulled += got;
            return got;
          },
          "endless"};
}

io::ByteSource from_string(std::string text) {
  auto offset = std::make_shared<std::size_t>(0);
  return {[text, offset](char* buf, std::size_t n) -> std::size_t {
            const std::size_t got = std::min(n, text.size() - *offset);
            std::memcpy(buf, text.data() + *offset, got);
            *offset += got;
            return got;
          },
          "string"};
}

TEST(HostileTextInput, EndlessLineIsRefusedInBoundedMemory) {
  std::uint64_t pulled = 0;
  io::LineReader reader(endless("word 3\n", &pulled));
  reader.set_max_line_bytes(std::size_t{1} << 20);
  std::string line;
  ASSERT_TRUE(reader.line(line));
  EXPECT_EQ(line, "word 3");
  try {
    reader.line(line);
    FAIL() << "an endless line was accepted";
  } catch (const DataError& e) {
    EXPECT_EQ(e.line(), 2u);
    EXPECT_NE(std::string(e.what()).find("endless:2: a line of at most 1048576 bytes"),
              std::string::npos)
        << e.what();
  }
  EXPECT_LT(pulled, std::uint64_t{3} << 20);
  EXPECT_LT(line.capacity(), std::size_t{3} << 20);
}

TEST(HostileTextInput, DefaultLimitStopsAnEndlessLine) {
  std::uint64_t pulled = 0;
  io::LineReader reader(endless("", &pulled));
  std::string line;
  EXPECT_THROW(reader.line(line), DataError);
  EXPECT_LE(pulled, io::LineReader::kDefaultMaxLineBytes + io::LineReader::kBlockBytes);
}

TEST(HostileTextInput, LinesUpToTheLimitAreRead) {
  const std::size_t limit = 2'500'000;  // more than two buffer fills
  io::LineReader reader(from_string(std::string(limit, 'x') + "\n" + std::string(limit, 'y')));
  reader.set_max_line_bytes(limit);
  std::string line;
  ASSERT_TRUE(reader.line(line));
  EXPECT_EQ(line.size(), limit);
  ASSERT_TRUE(reader.line(line));
  EXPECT_EQ(line.size(), limit);
  EXPECT_FALSE(reader.line(line));

  io::LineReader longer(from_string(std::string(limit + 1, 'x')));
  longer.set_max_line_bytes(limit);
  EXPECT_THROW(longer.line(line), DataError);
}

}  // namespace
}  // namespace slide::text
