#include "slide/w2v/trainer.h"

#include <gtest/gtest.h>
#include <oneapi/tbb/global_control.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "slide/core/error.h"
#include "slide/core/random.h"
#include "slide/io/input.h"
#include "slide/io/line_reader.h"
#include "slide/text/tokenizer.h"
#include "slide/text/vocabulary.h"
#include "w2v/memory_corpus.h"

namespace slide::w2v {
namespace {

text::Vocabulary vocabulary_of(const std::string& text, std::uint64_t min_count) {
  text::VocabularyCounter counter;
  counter.add_text(text);
  text::VocabularyOptions options;
  options.min_count = min_count;
  return counter.build(options);
}

double cosine(const TrainedVectors& v, std::uint32_t a, std::uint32_t b) {
  double ab = 0, aa = 0, bb = 0;
  for (std::size_t d = 0; d < v.dim; ++d) {
    ab += double(v.row(a)[d]) * v.row(b)[d];
    aa += double(v.row(a)[d]) * v.row(a)[d];
    bb += double(v.row(b)[d]) * v.row(b)[d];
  }
  return ab / std::sqrt(aa * bb);
}

// The first `words` words of the shipped WikiText-2 validation text.
const std::string& wikitext_prefix() {
  static const std::string text = [] {
    io::LineReader in(
        io::open_source(std::string(SLIDE_SOURCE_DIR) + "/corpora/wikitext-2/valid.txt.zst"));
    std::string all, line;
    while (in.line(line) && all.size() < 700000) {
      all += line;
      all += '\n';
    }
    return all;
  }();
  return text;
}

// Two planted topics: each sentence draws its words from one topic only, so words of a topic
// co-occur and words of different topics never do.
std::string planted_topics(std::size_t sentences, std::uint64_t seed) {
  Rng rng(seed);
  std::string text;
  for (std::size_t s = 0; s < sentences; ++s) {
    const char topic = rng.uniform(2) ? 'a' : 'b';
    for (int w = 0; w < 12; ++w) {
      text += topic;
      text += std::to_string(rng.uniform(20));
      text += ' ';
    }
    text += '\n';
  }
  return text;
}

class PlantedTopics : public ::testing::TestWithParam<std::pair<OutputLoss, Architecture>> {};

TEST_P(PlantedTopics, WordsOfATopicEndUpCloserThanWordsOfDifferentTopics) {
  oneapi::tbb::global_control one(oneapi::tbb::global_control::max_allowed_parallelism, 1);
  const std::string text = planted_topics(3000, 7);
  const text::Vocabulary vocab = vocabulary_of(text, 1);
  ASSERT_EQ(vocab.size(), 41u);
  TrainerOptions o;
  o.loss = GetParam().first;
  o.architecture = GetParam().second;
  o.dim = 16;
  o.epochs = 3;
  o.sample = 0;
  o.lsh_active = 8;
  o.lsh_bits = 3;
  o.lsh_tables = 4;
  o.lsh_rebuild_words = 5000;
  const TrainedVectors v = train_word_vectors(vocab, memory_corpus(text), o);
  double same = 0, cross = 0;
  std::size_t n_same = 0, n_cross = 0;
  for (std::uint32_t i = 1; i < vocab.size(); ++i) {
    for (std::uint32_t j = i + 1; j < vocab.size(); ++j) {
      const double c = cosine(v, i, j);
      if (vocab.word(i)[0] == vocab.word(j)[0]) {
        same += c;
        ++n_same;
      } else {
        cross += c;
        ++n_cross;
      }
    }
  }
  same /= double(n_same);
  cross /= double(n_cross);
  // Untrained (random) vectors give both means about 0.
  EXPECT_GT(same - cross, 0.3) << "same-topic mean cosine " << same << ", cross " << cross;
}

INSTANTIATE_TEST_SUITE_P(
    W2vLosses, PlantedTopics,
    ::testing::Values(std::pair{OutputLoss::negative_sampling, Architecture::skipgram},
                      std::pair{OutputLoss::negative_sampling, Architecture::cbow},
                      std::pair{OutputLoss::hierarchical_softmax, Architecture::skipgram},
                      std::pair{OutputLoss::hierarchical_softmax, Architecture::cbow},
                      std::pair{OutputLoss::hs_and_ns, Architecture::skipgram},
                      std::pair{OutputLoss::hs_and_ns, Architecture::cbow},
                      std::pair{OutputLoss::softmax, Architecture::skipgram},
                      std::pair{OutputLoss::lsh_softmax, Architecture::skipgram},
                      std::pair{OutputLoss::lsh_softmax, Architecture::cbow}));

class WikiText : public ::testing::TestWithParam<OutputLoss> {};

TEST_P(WikiText, WordsOfTheSameKindBecomeNeighbours) {
  // One thread: the run is reproducible, so the thresholds below are met or not for good.
  oneapi::tbb::global_control one(oneapi::tbb::global_control::max_allowed_parallelism, 1);
  const std::string& text = wikitext_prefix();
  const text::Vocabulary vocab = vocabulary_of(text, 5);
  ASSERT_GT(vocab.size(), 1000u);
  TrainerOptions o;
  o.loss = GetParam();
  o.architecture = Architecture::skipgram;
  o.dim = 32;
  o.epochs = 2;
  o.sample = 1e-3;
  TrainedVectors v = train_word_vectors(vocab, memory_corpus(text), o);
  // Small corpora leave a large component common to all vectors (every cosine is near 0.9):
  // compare the directions after removing the mean vector.
  std::vector<double> mean(v.dim, 0.0);
  for (std::uint32_t i = 1; i < vocab.size(); ++i) {
    for (std::size_t d = 0; d < v.dim; ++d) mean[d] += v.row(i)[d];
  }
  for (std::uint32_t i = 1; i < vocab.size(); ++i) {
    float* row = v.input.data() + i * v.stride;
    for (std::size_t d = 0; d < v.dim; ++d)
      row[d] -= static_cast<float>(mean[d] / double(vocab.size() - 1));
  }
  // Words that fill the same slots (pronouns, verb forms, numerals, ordinals) must end up among
  // each other's nearest words: the share of the vocabulary less similar to `a` than `b` is is
  // about 0.5 for random vectors.
  const std::vector<std::pair<std::string, std::string>> pairs = {
      {"he", "she"},       {"his", "her"}, {"was", "is"},    {"two", "three"},
      {"first", "second"}, {"had", "has"}, {"four", "five"}, {"were", "are"}};
  std::vector<double> percentiles;
  for (const auto& [a, b] : pairs) {
    const std::uint32_t ia = vocab.find(a), ib = vocab.find(b);
    ASSERT_NE(ia, text::Vocabulary::kNotFound) << a;
    ASSERT_NE(ib, text::Vocabulary::kNotFound) << b;
    const double target = cosine(v, ia, ib);
    std::size_t below = 0;
    for (std::uint32_t x = 1; x < vocab.size(); ++x) below += cosine(v, ia, x) < target;
    percentiles.push_back(double(below) / double(vocab.size() - 1));
  }
  std::sort(percentiles.begin(), percentiles.end());
  std::string all;
  for (double p : percentiles) all += std::to_string(p) + " ";
  // (One thread, avx512 kernels: ns gives a median of 0.977 and a minimum of 0.947; lsh with
  // 16 hashed rows and 5 draws at the former alpha 0.1 gave 0.969 and 0.641 (its worst pair far
  // behind the others: 0.891 next), with the earlier 128 hashed rows 0.942 and 0.917; untrained
  // vectors 0.45 and 0.05.)
  EXPECT_GT(percentiles[percentiles.size() / 2], 0.9) << all;
  EXPECT_GT(percentiles[0], GetParam() == OutputLoss::lsh_softmax ? 0.6 : 0.75) << all;
  EXPECT_GT(percentiles[1], 0.85) << all;
}

INSTANTIATE_TEST_SUITE_P(W2vLosses, WikiText,
                         ::testing::Values(OutputLoss::negative_sampling, OutputLoss::lsh_softmax));

TEST(W2vTrainer, OneThreadIsReproducibleAndTheSeedMatters) {
  oneapi::tbb::global_control one(oneapi::tbb::global_control::max_allowed_parallelism, 1);
  const std::string text = wikitext_prefix().substr(0, 150000);
  const text::Vocabulary vocab = vocabulary_of(text, 3);
  TrainerOptions o;
  o.architecture = Architecture::skipgram;
  o.dim = 12;
  o.epochs = 2;
  o.block_bytes = 8192;  // many blocks
  const TrainedVectors a = train_word_vectors(vocab, memory_corpus(text), o);
  const TrainedVectors b = train_word_vectors(vocab, memory_corpus(text), o);
  o.seed = 1;
  const TrainedVectors c = train_word_vectors(vocab, memory_corpus(text), o);
  ASSERT_EQ(a.input.size(), b.input.size());
  EXPECT_EQ(0, std::memcmp(a.input.data(), b.input.data(), a.input.size() * sizeof(float)));
  EXPECT_NE(0, std::memcmp(a.input.data(), c.input.data(), a.input.size() * sizeof(float)));
}

TEST(W2vTrainer, HsAndNsTrainsBothOutputLayers) {
  // word2vec's -hs 1 -negative 5: the tree draws no random numbers, so if its layer did not
  // contribute, the one-thread run would equal ns alone bit for bit; and without the negatives it
  // would equal hs alone.
  oneapi::tbb::global_control one(oneapi::tbb::global_control::max_allowed_parallelism, 1);
  const std::string text = planted_topics(400, 3);
  const text::Vocabulary vocab = vocabulary_of(text, 1);
  TrainerOptions o;
  o.architecture = Architecture::skipgram;
  o.dim = 8;
  o.epochs = 1;
  auto run = [&](OutputLoss loss) {
    o.loss = loss;
    return train_word_vectors(vocab, memory_corpus(text), o);
  };
  const TrainedVectors both = run(OutputLoss::hs_and_ns);
  const TrainedVectors ns = run(OutputLoss::negative_sampling);
  const TrainedVectors hs = run(OutputLoss::hierarchical_softmax);
  const std::size_t bytes = both.input.size() * sizeof(float);
  EXPECT_NE(0, std::memcmp(both.input.data(), ns.input.data(), bytes));
  EXPECT_NE(0, std::memcmp(both.input.data(), hs.input.data(), bytes));
  EXPECT_EQ(parse_output_loss("hs+ns"), OutputLoss::hs_and_ns);
  EXPECT_EQ(parse_output_loss("ns+hs"), OutputLoss::hs_and_ns);
  EXPECT_STREQ(output_loss_name(OutputLoss::hs_and_ns), "hs+ns");
  o.negative = 0;  // hs+ns needs negatives
  EXPECT_THROW(run(OutputLoss::hs_and_ns), UsageError);
}

TEST(W2vTrainer, ReportsProgressAndStats) {
  const std::string text = planted_topics(500, 1);
  const text::Vocabulary vocab = vocabulary_of(text, 1);
  TrainerOptions o;
  o.epochs = 2;
  o.sample = 0;
  o.block_bytes = 4096;
  std::uint64_t last = 0;
  double last_alpha = 1;
  int calls = 0;
  TrainStats stats;
  train_word_vectors(
      vocab, memory_corpus(text), o,
      [&](const TrainProgress& p) {
        EXPECT_GE(p.words_done, last);
        EXPECT_LE(p.alpha, last_alpha);
        last = p.words_done;
        last_alpha = p.alpha;
        EXPECT_EQ(p.words_total, 2 * vocab.total_count());
        ++calls;
      },
      &stats);
  EXPECT_GT(calls, 2);
  EXPECT_EQ(stats.words, 2 * vocab.total_count());
  EXPECT_EQ(last, stats.words);
  EXPECT_EQ(stats.trained, 2 * (vocab.total_count() - vocab.count(0)));  // no subsampling of </s>
}

TEST(W2vTrainer, RejectsBadInputs) {
  const std::string text = planted_topics(10, 1);
  const text::Vocabulary vocab = vocabulary_of(text, 1);
  TrainerOptions o;
  o.dim = 0;
  EXPECT_THROW(train_word_vectors(vocab, memory_corpus(text), o), UsageError);
  o = {};
  o.negative = 0;
  EXPECT_THROW(train_word_vectors(vocab, memory_corpus(text), o), UsageError);
  o = {};
  // A corpus without any word of the vocabulary.
  const std::string other = "zzz yyy\n";
  EXPECT_THROW(train_word_vectors(vocab, memory_corpus(other), o), DataError);
  // A vocabulary of "</s>" alone.
  EXPECT_THROW(train_word_vectors(text::Vocabulary(), memory_corpus(text), o), UsageError);
  EXPECT_THROW(train_word_vectors_file(vocab, "-", o), UsageError);  // 5 epochs from stdin
  EXPECT_THROW(train_word_vectors_file(vocab, "/nonexistent/corpus.txt", o), InputOpenError);
}

}  // namespace
}  // namespace slide::w2v
