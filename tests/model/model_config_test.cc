#include "slide/model/model_config.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "slide/core/error.h"

namespace slide::model {
namespace {

TEST(ModelConfig, TypedRoundTripThroughText) {
  ModelConfig config;
  config.set_int("dim", 128);
  config.set_int("big", std::numeric_limits<std::int64_t>::max());
  config.set_int("small", std::numeric_limits<std::int64_t>::min());
  config.set_double("lr", 0.025);
  config.set_double("tiny", 1e-300);
  config.set_double("third", 1.0 / 3.0);
  config.set_bool("hogwild", true);
  config.set_bool("bias", false);
  config.set_string("hash", "simhash");
  config.set_string("spaced", " a = b ");
  config.set_string("empty", "");

  const ModelConfig back = ModelConfig::parse(config.to_text(), "m.slide");
  EXPECT_EQ(back, config);
  EXPECT_EQ(back.get_int("dim"), 128);
  EXPECT_EQ(back.get_int("big"), std::numeric_limits<std::int64_t>::max());
  EXPECT_EQ(back.get_int("small"), std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(back.get_double("lr"), 0.025);  // shortest round-trip text: exact
  EXPECT_EQ(back.get_double("tiny"), 1e-300);
  EXPECT_EQ(back.get_double("third"), 1.0 / 3.0);
  EXPECT_TRUE(back.get_bool("hogwild"));
  EXPECT_FALSE(back.get_bool("bias"));
  EXPECT_EQ(back.get_string("hash"), "simhash");
  EXPECT_EQ(back.get_string("spaced"), " a = b ");
  EXPECT_EQ(back.get_string("empty"), "");
  EXPECT_EQ(back.source(), "m.slide");
}

TEST(ModelConfig, TextIsSortedAndIndependentOfInsertionOrder) {
  ModelConfig a, b;
  a.set_int("zeta", 1);
  a.set_int("alpha", 2);
  a.set_int("mid", 3);
  b.set_int("mid", 3);
  b.set_int("alpha", 2);
  b.set_int("zeta", 1);
  EXPECT_EQ(a.to_text(), "alpha=2\nmid=3\nzeta=1\n");
  EXPECT_EQ(a.to_text(), b.to_text());
  a.set_int("mid", 4);  // replace keeps one entry
  EXPECT_EQ(a.to_text(), "alpha=2\nmid=4\nzeta=1\n");
  EXPECT_EQ(a.keys(), (std::vector<std::string>{"alpha", "mid", "zeta"}));
}

TEST(ModelConfig, ParseSkipsCommentsAndBlankLinesAndAcceptsNoFinalNewline) {
  const ModelConfig config = ModelConfig::parse("# written by slide\n\nk=1\nx=a=b", "f");
  EXPECT_EQ(config.size(), 2u);
  EXPECT_EQ(config.get_int("k"), 1);
  EXPECT_EQ(config.get_string("x"), "a=b");  // the first '=' separates
}

void expect_config_error(const std::string& text, const std::string& fragment) {
  try {
    ModelConfig::parse(text, "model.slide");
    FAIL() << "accepted: " << text;
  } catch (const FormatError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("model.slide"), std::string::npos) << message;
    EXPECT_NE(message.find(fragment), std::string::npos) << message;
  }
}

TEST(ModelConfig, ParseErrorsAreFormatErrorsWithLineNumbers) {
  expect_config_error("a=1\nnovalue\n", "line 2: expected key=value");
  expect_config_error("=1\n", "line 1: invalid key");
  expect_config_error("a b=1\n", "invalid key 'a b'");
  expect_config_error("a=1\nb=2\na=3\n", "line 3: duplicate key 'a'");
  expect_config_error("a=1\r\n", "control character");  // CRLF damage is refused, not kept
  expect_config_error(std::string("a=x\0y", 5), "control character");
}

TEST(ModelConfig, WrongTypesAndMissingKeysAreFormatErrors) {
  ModelConfig config = ModelConfig::parse("n=12x\nd=abc\nb=yes\ni=7\nf=1e999\n", "m.slide");
  EXPECT_THROW(config.get_int("n"), FormatError);
  EXPECT_THROW(config.get_double("d"), FormatError);
  EXPECT_THROW(config.get_double("f"), FormatError);  // out of range
  EXPECT_THROW(config.get_bool("b"), FormatError);
  EXPECT_THROW(config.get_int("missing"), FormatError);
  EXPECT_EQ(config.get_int("i"), 7);
  EXPECT_EQ(config.get_double("i"), 7.0);
  EXPECT_EQ(config.get_int("missing", 5), 5);
  EXPECT_EQ(config.get_string("missing", "x"), "x");
  EXPECT_TRUE(config.get_bool("missing", true));
  EXPECT_EQ(config.get_double("missing", 0.5), 0.5);
  EXPECT_THROW(config.get_int("n", 5), FormatError);  // present but wrong: no silent fallback
  try {
    config.get_int("n");
  } catch (const FormatError& error) {
    EXPECT_STREQ(error.what(), "m.slide: CONFIG key 'n' = '12x' is not a 64-bit integer");
  }
}

TEST(ModelConfig, SettersRejectWhatCannotRoundTrip) {
  ModelConfig config;
  EXPECT_THROW(config.set_int("", 1), UsageError);
  EXPECT_THROW(config.set_int("a=b", 1), UsageError);
  EXPECT_THROW(config.set_string("k", "two\nlines"), UsageError);
  EXPECT_THROW(config.set_double("k", std::nan("")), UsageError);
  EXPECT_THROW(config.set_double("k", INFINITY), UsageError);
  EXPECT_EQ(config.size(), 0u);
}

}  // namespace
}  // namespace slide::model
