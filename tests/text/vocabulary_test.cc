#include "slide/text/vocabulary.h"

#include <gtest/gtest.h>

#include <cmath>
#include <sstream>

#include "slide/core/error.h"
#include "slide/text/sentences.h"

namespace slide::text {
namespace {

// Hand counts: the 4, a 3, cat 2, sat 2 (cat first), mat 1, on 1, dog 1; 3 newlines.
const char* const kCorpus =
    "the cat sat on the mat\n"
    "a cat a dog\r\n"
    "the a sat the\n";

Vocabulary count(const std::string& text, VocabularyOptions options,
                 std::uint64_t expected_tokens = 14 + 3) {
  std::istringstream in(text);
  std::uint64_t tokens = 0;
  Vocabulary v = learn_vocabulary(io::istream_source(in, "corpus"), options, &tokens);
  EXPECT_EQ(tokens, expected_tokens);
  return v;
}

TEST(Vocabulary, CountsSortedWithEndOfSentenceFirst) {
  const Vocabulary v = count(kCorpus, {.min_count = 1, .max_size = 0});
  const std::vector<std::string> words = {"</s>", "the", "a", "cat", "sat", "on", "mat", "dog"};
  const std::vector<std::uint64_t> counts = {3, 4, 3, 2, 2, 1, 1, 1};
  EXPECT_EQ(v.words(), words);
  EXPECT_EQ(v.counts(), counts);
  EXPECT_EQ(v.total_count(), 17u);
  for (std::uint32_t id = 0; id < v.size(); ++id) EXPECT_EQ(v.find(v.word(id)), id);
  EXPECT_EQ(v.find("zebra"), Vocabulary::kNotFound);
  EXPECT_EQ(v.find("th"), Vocabulary::kNotFound);
  EXPECT_EQ(v.find(""), Vocabulary::kNotFound);
}

TEST(Vocabulary, MinCountKeepsEndOfSentence) {
  const Vocabulary v = count(kCorpus, {.min_count = 4, .max_size = 0});
  EXPECT_EQ(v.words(), (std::vector<std::string>{"</s>", "the"}));
  EXPECT_EQ(v.total_count(), 7u);
  const Vocabulary none = count("a b c", {.min_count = 1, .max_size = 0}, 3);
  EXPECT_EQ(none.word(0), "</s>");
  EXPECT_EQ(none.count(0), 0u);
  EXPECT_EQ(none.size(), 4u);
}

TEST(Vocabulary, MaxSizeKeepsMostFrequentWithDeterministicTies) {
  const Vocabulary v = count(kCorpus, {.min_count = 1, .max_size = 4});
  EXPECT_EQ(v.words(), (std::vector<std::string>{"</s>", "the", "a", "cat"}));
  const Vocabulary w = count(kCorpus, {.min_count = 2, .max_size = 100});
  EXPECT_EQ(w.words(), (std::vector<std::string>{"</s>", "the", "a", "cat", "sat"}));
}

TEST(Vocabulary, SaveReadRoundTrip) {
  const Vocabulary v = count(kCorpus, {.min_count = 1, .max_size = 0});
  std::ostringstream out;
  save_vocab(v, out, "vocab.txt");
  EXPECT_EQ(out.str(), "</s> 3\nthe 4\na 3\ncat 2\nsat 2\non 1\nmat 1\ndog 1\n");
  std::istringstream in(out.str());
  const Vocabulary back = read_vocab(in, "vocab.txt", {.min_count = 1, .max_size = 0});
  EXPECT_EQ(back.words(), v.words());
  EXPECT_EQ(back.counts(), v.counts());
  // min-count applies on reading, like word2vec's -read-vocab.
  std::istringstream in2(out.str());
  EXPECT_EQ(read_vocab(in2, "vocab.txt", {.min_count = 2, .max_size = 0}).size(), 5u);
}

TEST(Vocabulary, ReadAcceptsCrlfAndMissingEndOfSentence) {
  std::istringstream in("b 5\r\n\r\na 7\nc 5");
  const Vocabulary v = read_vocab(in, "v", {.min_count = 1, .max_size = 0});
  EXPECT_EQ(v.words(), (std::vector<std::string>{"</s>", "a", "b", "c"}));
  EXPECT_EQ(v.counts(), (std::vector<std::uint64_t>{0, 7, 5, 5}));
}

void expect_bad(const std::string& text, std::uint64_t line, const std::string& fragment) {
  std::istringstream in(text);
  try {
    read_vocab(in, "vocab.txt", {.min_count = 1, .max_size = 0});
    ADD_FAILURE() << "no error for: " << text;
  } catch (const DataError& e) {
    EXPECT_EQ(e.file(), "vocab.txt");
    EXPECT_EQ(e.line(), line) << e.what();
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

TEST(Vocabulary, ReadRejectsBadLines) {
  expect_bad("a 1\nb\n", 2, "'word count'");
  expect_bad("a 1\n 5\n", 2, "'word count'");
  expect_bad("a 1\nb x\n", 2, "decimal count");
  expect_bad("a 1\nb 12x\n", 2, "decimal count");
  expect_bad("a 1\nb -3\n", 2, "decimal count");
  expect_bad("a 1\nb 1 2\n", 2, "decimal count");
  expect_bad("a 1\nb \n", 2, "decimal count");
  expect_bad("a\tb 1\n", 1, "tab");
  expect_bad("a 1\nb 2\na 3\n", 3, "also on line 1");
}

TEST(Vocabulary, SubsamplingMatchesWord2vecFormula) {
  const Vocabulary v = count(kCorpus, {.min_count = 1, .max_size = 0});
  const double sample = 0.05;
  const auto keep = v.keep_probabilities(sample);
  ASSERT_EQ(keep.size(), v.size());
  const double t = sample * 17;  // total 17
  for (std::uint32_t id = 0; id < v.size(); ++id) {
    const double f = static_cast<double>(v.count(id));
    const double expected = (std::sqrt(f / t) + 1) * t / f;
    EXPECT_FLOAT_EQ(keep[id], static_cast<float>(expected)) << v.word(id);
  }
  // "the": f = 4, t = 0.85 -> (sqrt(4/0.85)+1)*0.85/4 = 0.673...
  EXPECT_NEAR(keep[1], 0.67348, 1e-4);
  for (float p : v.keep_probabilities(0)) EXPECT_EQ(p, 1.0f);
  // word2vec's test: drop when ran < (r & 0xFFFF) / 65536.
  EXPECT_TRUE(keep_word(0.5f, 32768));
  EXPECT_FALSE(keep_word(0.5f, 32769));
  EXPECT_TRUE(keep_word(1.2f, 0xFFFF));
}

TEST(Vocabulary, SubsamplingBitsMatchWord2vecTypes) {
  // Text8-like sizes; the expression below is word2vec.c's, with its types (real = float,
  // counts long long, C's double sqrt).
  const std::vector<std::pair<std::string, std::uint64_t>> entries = {
      {"the", 1061396}, {"of", 593677}, {"zero", 264975}, {"rare", 5}, {"mid", 4321}};
  const Vocabulary v = Vocabulary::from_counts(entries, {.min_count = 1, .max_size = 0});
  const long long train_words = static_cast<long long>(v.total_count());
  for (double sample : {1e-3, 1e-4, 1e-5}) {
    const auto keep = v.keep_probabilities(sample);
    const float real_sample = static_cast<float>(sample);
    for (std::uint32_t id = 1; id < v.size(); ++id) {
      const long long cn = static_cast<long long>(v.count(id));
      const float ran =
          static_cast<float>((::sqrt(static_cast<double>(cn / (real_sample * train_words))) + 1) *
                             (real_sample * train_words) / cn);
      EXPECT_EQ(keep[id], ran) << v.word(id) << " sample " << sample;
    }
  }
}

TEST(Sentences, SplitLikeWord2vec) {
  const Vocabulary v = count(kCorpus, {.min_count = 2, .max_size = 0});
  // Known: </s> the a cat sat. Unknown words vanish and do not count towards the length.
  std::vector<std::vector<std::uint32_t>> sentences;
  std::vector<std::uint32_t> scratch;
  const std::uint64_t known = for_each_sentence(
      "the cat on the mat sat\n\na zebra a cat\nthe the the", v, 2, scratch,
      [&](std::span<const std::uint32_t> s) { sentences.emplace_back(s.begin(), s.end()); });
  const std::uint32_t the = 1, a = 2, cat = 3, sat = 4;
  EXPECT_EQ(sentences, (std::vector<std::vector<std::uint32_t>>{
                           {the, cat}, {the, sat}, {a, a}, {cat}, {the, the}, {the}}));
  EXPECT_EQ(known, 4u + 2u + 3u + 3u + 1u);  // 13 known tokens incl. 3 "</s>"
}

}  // namespace
}  // namespace slide::text
