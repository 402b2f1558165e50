#include "slide/w2v/huffman_tree.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "slide/core/random.h"

namespace slide::w2v {
namespace {

std::string code_of(const HuffmanTree& tree, std::size_t word) {
  std::string code;
  for (std::uint32_t d = tree.offsets[word]; d < tree.offsets[word + 1]; ++d) {
    code += tree.codes[d] ? '1' : '0';
  }
  return code;
}

// The paths form a Huffman code: prefix-free and complete (Kraft's sum is exactly 1), a more
// frequent word never has a longer code, and every point is an inner node (< n - 1) with the
// root (the last inner node) first.
TEST(W2vHuffmanTree, IsAPrefixFreeCodeFavouringFrequentWords) {
  Rng rng(3);
  std::vector<std::uint64_t> counts{50};
  for (int i = 0; i < 300; ++i) counts.push_back(1 + rng.uniform(1000) * rng.uniform(30));
  counts.push_back(0);  // treated as 1
  const HuffmanTree tree(counts);
  const std::size_t n = counts.size();
  ASSERT_EQ(tree.offsets.size(), n + 1);
  ASSERT_EQ(tree.codes.size(), tree.points.size());
  double kraft = 0;
  std::vector<std::string> codes;
  for (std::size_t w = 0; w < n; ++w) {
    codes.push_back(code_of(tree, w));
    ASSERT_FALSE(codes.back().empty()) << w;
    kraft += std::ldexp(1.0, -static_cast<int>(codes.back().size()));
    EXPECT_EQ(tree.points[tree.offsets[w]], n - 2) << "the path of " << w << " starts at the root";
    for (std::uint32_t d = tree.offsets[w]; d < tree.offsets[w + 1]; ++d) {
      EXPECT_LT(tree.points[d], n - 1);
    }
  }
  EXPECT_DOUBLE_EQ(kraft, 1.0);
  for (std::size_t a = 0; a < n; ++a) {
    for (std::size_t b = 0; b < n; ++b) {
      if (a == b) continue;
      EXPECT_NE(codes[b].rfind(codes[a], 0), 0u) << codes[a] << " is a prefix of " << codes[b];
      if (counts[a] > counts[b]) {
        EXPECT_LE(codes[a].size(), codes[b].size()) << a << " " << b;
      }
    }
  }
}

TEST(W2vHuffmanTree, SmallVocabularies) {
  const HuffmanTree one(std::vector<std::uint64_t>{7});
  EXPECT_EQ(one.offsets, (std::vector<std::uint32_t>{0, 0}));
  const HuffmanTree two(std::vector<std::uint64_t>{7, 3});
  EXPECT_EQ(code_of(two, 0).size(), 1u);
  EXPECT_EQ(code_of(two, 1).size(), 1u);
  EXPECT_NE(code_of(two, 0), code_of(two, 1));
  EXPECT_EQ(two.points, (std::vector<std::uint32_t>{0, 0}));
}

}  // namespace
}  // namespace slide::w2v
