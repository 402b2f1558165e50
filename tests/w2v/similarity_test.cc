#include "slide/w2v/similarity.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "slide/core/error.h"
#include "slide/w2v/nearest.h"

namespace slide::w2v {
namespace {

std::vector<SimilarityPair> parse_pairs(const std::string& text) {
  std::istringstream in(text);
  return read_similarity_pairs(in, "pairs");
}

TEST(Similarity, AverageRanksAndSpearmanWithTies) {
  const std::vector<double> x = {1, 2, 2, 3}, y = {10, 20, 30, 40};
  EXPECT_EQ(average_ranks(x), (std::vector<double>{1, 2.5, 2.5, 4}));
  EXPECT_EQ(average_ranks(std::vector<double>{5, 5, 5}), (std::vector<double>{2, 2, 2}));
  EXPECT_EQ(average_ranks(std::vector<double>{3, 1, 2}), (std::vector<double>{3, 1, 2}));
  // Ranks (1, 2.5, 2.5, 4) vs (1, 2, 3, 4): 4.5 / sqrt(4.5 * 5).
  EXPECT_NEAR(spearman(x, y), 4.5 / std::sqrt(22.5), 1e-12);
  EXPECT_NEAR(spearman(y, std::vector<double>{4, 3, 2, 1}), -1.0, 1e-12);
  EXPECT_TRUE(std::isnan(spearman(x, std::vector<double>{1, 1, 1, 1})));
  EXPECT_TRUE(std::isnan(spearman(std::vector<double>{1}, std::vector<double>{2})));
  EXPECT_NEAR(pearson(std::vector<double>{1, 2, 3}, std::vector<double>{2, 4, 7}),
              0.9933992677987828, 1e-12);
}

WordVectors animals() {
  WordVectors v;
  v.dim = 2;
  v.words = {"cat", "dog", "car", "jerusalem"};
  v.values = {1, 0, 1, 1, 0, 1, -1, 0.1f};
  return v;
}

TEST(Similarity, HandBuiltScores) {
  const auto pairs = parse_pairs(
      "# comment\n"
      "Word 1\tWord 2\tHuman (mean)\r\n"
      "cat\tdog\t8\r\n"
      "cat car 2\n"
      "dog\tcar\t6\n"
      "Jerusalem\tcat\t1\n"
      "zebra\tcat\t5\n");
  ASSERT_EQ(pairs.size(), 5u);
  EXPECT_EQ(pairs[3].first, "Jerusalem");
  const SimilarityResult r = evaluate_similarity(animals(), pairs);
  EXPECT_EQ(r.total, 5u);
  EXPECT_EQ(r.covered, 4u);
  EXPECT_NEAR(r.cosines[0], std::sqrt(0.5), 1e-7);
  EXPECT_NEAR(r.cosines[1], 0.0, 1e-7);
  EXPECT_NEAR(r.cosines[3], -1 / std::sqrt(1.01), 1e-6);
  EXPECT_TRUE(std::isnan(r.cosines[4]));
  // Model ranks (3.5, 2, 3.5, 1) vs human ranks (4, 2, 3, 1).
  EXPECT_NEAR(r.spearman, 4.5 / std::sqrt(22.5), 1e-9);

  SimilarityOptions exact;
  exact.lower_case_fallback = false;
  EXPECT_EQ(evaluate_similarity(animals(), pairs, exact).covered, 3u);
  SimilarityOptions first_two;
  first_two.restrict_vocab = 2;
  EXPECT_EQ(evaluate_similarity(animals(), pairs, first_two).covered, 1u);
}

TEST(Similarity, BadLines) {
  auto bad = [](const std::string& text, std::uint64_t line) {
    try {
      parse_pairs(text);
      ADD_FAILURE() << text;
    } catch (const DataError& e) {
      EXPECT_EQ(e.line(), line) << e.what();
    }
  };
  bad("a b 1\nc d\n", 2);
  bad("a b 1\nc d x\n", 2);
  bad("a b 1\nc d 1 2\n", 2);
  bad("h1 h2 h3\na b nan\n", 2);
}

TEST(Similarity, WordSim353FilesParse) {
  const std::string dir = std::string(SLIDE_SOURCE_DIR) + "/corpora/word2vec-eval/";
  for (const auto& [file, count] : {std::pair<std::string, std::size_t>{"wordsim353.tsv", 353},
                                    {"EN-WS-353-ALL.txt", 353},
                                    {"EN-WS-353-SIM.txt", 203},
                                    {"EN-WS-353-REL.txt", 252}}) {
    std::ifstream in(dir + file);
    ASSERT_TRUE(in) << file;
    const auto pairs = read_similarity_pairs(in, file);
    EXPECT_EQ(pairs.size(), count) << file;
    if (file == "EN-WS-353-ALL.txt") {
      EXPECT_EQ(pairs[0].first, "love");
      EXPECT_EQ(pairs[0].second, "sex");
      EXPECT_DOUBLE_EQ(pairs[0].score, 6.77);
    }
  }
}

TEST(Nearest, TopByCosineExcludingQueryWords) {
  const NearestNeighbors nn(animals());
  const std::vector<std::string> cat = {"cat"};
  const auto r = nn.nearest_to_words(cat, 10);
  EXPECT_TRUE(r.missing.empty());
  ASSERT_EQ(r.neighbors.size(), 3u);
  EXPECT_EQ(r.neighbors[0].id, 1u);  // dog .707
  EXPECT_NEAR(r.neighbors[0].similarity, std::sqrt(0.5), 1e-6);
  EXPECT_EQ(r.neighbors[1].id, 2u);  // car 0
  EXPECT_EQ(r.neighbors[2].id, 3u);  // jerusalem -.995
  // Two words: cat + car (unit) = (1, 1) -> dog (cos 1) first, jerusalem last.
  const std::vector<std::string> two = {"cat", "car"};
  const auto r2 = nn.nearest_to_words(two, 1);
  ASSERT_EQ(r2.neighbors.size(), 1u);
  EXPECT_EQ(r2.neighbors[0].id, 1u);
  EXPECT_NEAR(r2.neighbors[0].similarity, 1.0, 1e-6);  // the sum is re-normalised
  const std::vector<std::string> unknown = {"cat", "zebra"};
  const auto r3 = nn.nearest_to_words(unknown, 5);
  EXPECT_EQ(r3.missing, std::vector<std::string>{"zebra"});
  EXPECT_TRUE(r3.neighbors.empty());
}

}  // namespace
}  // namespace slide::w2v
