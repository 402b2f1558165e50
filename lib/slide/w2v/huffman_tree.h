#pragma once

// word2vec's Huffman tree over the vocabulary (CreateBinaryTree), the path that hierarchical
// softmax walks for each word: its code bits (root first) and the inner nodes on the way (row ids
// of the output matrix, < vocabulary size - 1). Frequent words get short paths, which is what
// makes hierarchical softmax cheap on average.

#include <cstdint>
#include <vector>

namespace slide::w2v {

struct HuffmanTree {
  std::vector<std::uint32_t> offsets;  // word i: codes/points [offsets[i], offsets[i + 1])
  std::vector<std::uint8_t> codes;
  std::vector<std::uint32_t> points;

  HuffmanTree() = default;
  // A word with count 0 is treated as count 1 (it still gets a path).
  explicit HuffmanTree(const std::vector<std::uint64_t>& counts);
};

}  // namespace slide::w2v
