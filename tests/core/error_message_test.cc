// Messages of DataError and FormatError quote hostile input: they stay one printable line (control
// bytes and invalid UTF-8 escaped, valid UTF-8 kept) of bounded length (issue 8).

#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "slide/core/error.h"

namespace slide {
namespace {

TEST(ErrorMessage, EscapesControlBytesAndInvalidUtf8) {
  const DataError e("f.txt", 3, 7,
                    std::string("a number, got '\n\t\r\x7f\x80\xc3\x28\xed\xa0\x80'"));
  EXPECT_STREQ(e.what(),
               "f.txt:3:7: a number, got '\\x0a\\x09\\x0d\\x7f\\x80\\xc3(\\xed\\xa0\\x80'");
  EXPECT_EQ(e.file(), "f.txt");
  EXPECT_EQ(e.line(), 3u);
}

TEST(ErrorMessage, KeepsValidUtf8) {
  const DataError e("w.txt", 1, "a word, got 'caf\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x98\x80'");
  EXPECT_STREQ(e.what(), "w.txt:1: a word, got 'caf\xc3\xa9 \xe6\x97\xa5 \xf0\x9f\x98\x80'");
}

TEST(ErrorMessage, CutsHugeMessages) {
  const DataError e("f", 1, "got '" + std::string(10 << 20, 'x') + "'");
  const std::string what = e.what();
  EXPECT_LT(what.size(), 600u);
  EXPECT_EQ(what.substr(0, 10), "f:1: got '");
  EXPECT_NE(what.find("... (message cut)"), std::string::npos);
  const FormatError f("m", std::string(5000, '\x01'));
  EXPECT_LT(std::strlen(f.what()), 600u);
  // A message that fits is not marked as cut.
  EXPECT_EQ(std::string(DataError("f", 0, std::string(400, 'y')).what()).find("cut"),
            std::string::npos);
}

}  // namespace
}  // namespace slide
