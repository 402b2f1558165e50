// Hostile input at the level of the line reader and the XC readers: a line without end is
// refused in bounded memory, naming its line; quoted input in messages is printable.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>
#include <string_view>

#include "slide/core/error.h"
#include "slide/io/byte_source.h"
#include "slide/io/line_reader.h"
#include "slide/xc/dataset_reader.h"

namespace slide::xc {
namespace {

// `prefix`, then 'a' forever (no newline): a 100 GB line as far as the reader can tell. Counts the
// bytes pulled into *pulled, to show that the reader stops after the limit.
io::ByteSource endless(std::string prefix, std::shared_ptr<std::uint64_t> pulled) {
  auto offset = std::make_shared<std::size_t>(0);
  return {[prefix = std::move(prefix), pulled, offset](char* buffer, std::size_t n) {
            std::size_t got = 0;
            if (*offset < prefix.size()) {
              got = std::min(n, prefix.size() - *offset);
              std::memcpy(buffer, prefix.data() + *offset, got);
              *offset += got;
            } else {
              std::memset(buffer, 'a', n);
              got = n;
            }
            *pulled += got;
            return got;
          },
          "endless"};
}

TEST(HostileXcInput, EndlessLineIsRefusedInBoundedMemory) {
  auto pulled = std::make_shared<std::uint64_t>(0);
  io::LineReader in(endless("3 10 4\n0 1:1\n", pulled));
  in.set_max_line_bytes(std::size_t{1} << 20);
  std::string_view line;
  ASSERT_TRUE(in.next(line));
  ASSERT_TRUE(in.next(line));
  try {
    in.next(line);
    FAIL() << "an endless line was accepted";
  } catch (const DataError& e) {
    EXPECT_EQ(e.line(), 3u);
    EXPECT_NE(std::string(e.what()).find("endless:3: a line of at most 1048576 bytes"),
              std::string::npos)
        << e.what();
  }
  // The limit plus a few blocks, not the whole (endless) line.
  EXPECT_LT(*pulled, std::uint64_t{4} << 20);
}

TEST(HostileXcInput, DefaultLimitStopsAnEndlessLine) {
  auto pulled = std::make_shared<std::uint64_t>(0);
  io::LineReader in(endless("", pulled));
  EXPECT_EQ(in.max_line_bytes(), io::LineReader::kDefaultMaxLineBytes);
  std::string_view line;
  EXPECT_THROW(in.next(line), DataError);
  EXPECT_LT(*pulled, io::LineReader::kDefaultMaxLineBytes + (std::uint64_t{4} << 20));
}

TEST(HostileXcInput, LinesUpToTheLimitAreRead) {
  const std::size_t limit = 3000;  // more than one fill of the buffer is not needed for this
  for (const bool final_newline : {true, false}) {
    const std::string text =
        std::string(limit, '7') + "\n" + std::string(limit, '8') + (final_newline ? "\n" : "");
    io::LineReader in(io::memory_source(text, "block"));
    in.set_max_line_bytes(limit);
    std::string_view line;
    ASSERT_TRUE(in.next(line));
    EXPECT_EQ(line.size(), limit);
    ASSERT_TRUE(in.next(line));
    EXPECT_EQ(line, std::string(limit, '8'));
    EXPECT_FALSE(in.next(line));
  }
  const std::string too_long(3001, '7');
  io::LineReader longer(io::memory_source(too_long, "block"));
  longer.set_max_line_bytes(3000);
  std::string_view line;
  EXPECT_THROW(longer.next(line), DataError);
}

TEST(HostileXcInput, ReaderNamesTheLineOfAnEndlessRow) {
  auto pulled = std::make_shared<std::uint64_t>(0);
  io::LineReader in(endless("2 5 5\n1 0:1\n", pulled));
  in.set_max_line_bytes(std::size_t{1} << 20);
  try {
    read_xc(in);
    FAIL() << "no error";
  } catch (const DataError& e) {
    EXPECT_EQ(e.line(), 3u) << e.what();
  }
}

// Non-UTF-8 and control bytes of the input come out escaped, so the message stays one printable
// line; a huge token does not make a huge message.
TEST(HostileXcInput, MessagesQuoteInputPrintably) {
  const std::string text = "1 5 5\n0 \xff\x01\x1b[2J:1\n";
  io::LineReader in(io::memory_source(text, "bytes.txt"));
  try {
    read_xc(in);
    FAIL() << "no error";
  } catch (const DataError& e) {
    const std::string what = e.what();
    EXPECT_NE(
        what.find(
            "bytes.txt:2:3: a feature id (a non-negative integer), got '\\xff\\x01\\x1b[2J:1'"),
        std::string::npos)
        << what;
    for (unsigned char c : what) EXPECT_TRUE(c >= 0x20 && c < 0x7f) << what;
  }
  const std::string huge = "1 5 5\n0 " + std::string(1 << 20, '9') + ":1\n";
  io::LineReader big(io::memory_source(huge, "big.txt"));
  try {
    read_xc(big);
    FAIL() << "no error";
  } catch (const DataError& e) {
    EXPECT_LT(std::strlen(e.what()), 600u);
    EXPECT_NE(std::string(e.what()).find("big.txt:2:3: feature id 999"), std::string::npos);
  }
}

}  // namespace
}  // namespace slide::xc
