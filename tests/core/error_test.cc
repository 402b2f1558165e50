#include "slide/core/error.h"

#include <gtest/gtest.h>

namespace slide {
namespace {

TEST(DataError, NamesFileLineAndColumn) {
  DataError error("train.txt", 12, 7, "a label id below 4");
  EXPECT_STREQ(error.what(), "train.txt:12:7: a label id below 4");
  EXPECT_EQ(error.file(), "train.txt");
  EXPECT_EQ(error.line(), 12u);
}

TEST(DataError, OmitsLineWhenNoneApplies) {
  DataError error("corpus.zst", 0, "a complete zstd frame, got a truncated one");
  EXPECT_STREQ(error.what(), "corpus.zst: a complete zstd frame, got a truncated one");
}

TEST(Errors, AreSlideErrors) {
  EXPECT_THROW(throw FormatError("m.slide", "bad magic"), Error);
  EXPECT_THROW(throw InputOpenError("x", "No such file or directory"), Error);
}

}  // namespace
}  // namespace slide
