#include "slide/w2v/huffman_tree.h"

#include <algorithm>
#include <cstddef>

namespace slide::w2v {

HuffmanTree::HuffmanTree(const std::vector<std::uint64_t>& counts_in) {
  const std::size_t n = counts_in.size();
  offsets.assign(n + 1, 0);
  if (n < 2) return;
  // word2vec sorts by count descending and walks two cursors; equal here for any order since
  // we sort indices by count descending first.
  std::vector<std::uint32_t> order(n);
  for (std::uint32_t i = 0; i < n; ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(),
                   [&](std::uint32_t a, std::uint32_t b) { return counts_in[a] > counts_in[b]; });
  std::vector<std::uint64_t> count(2 * n, 0);
  for (std::size_t i = 0; i < n; ++i) count[i] = std::max<std::uint64_t>(counts_in[order[i]], 1);
  for (std::size_t i = n; i < 2 * n; ++i) count[i] = UINT64_MAX / 4;
  std::vector<std::uint32_t> parent(2 * n, 0);
  std::vector<std::uint8_t> binary(2 * n, 0);
  std::int64_t pos1 = static_cast<std::int64_t>(n) - 1;
  std::int64_t pos2 = static_cast<std::int64_t>(n);
  for (std::size_t a = 0; a + 1 < n; ++a) {
    std::int64_t min1, min2;
    for (std::int64_t* m : {&min1, &min2}) {
      if (pos1 >= 0 && count[pos1] < count[pos2]) {
        *m = pos1--;
      } else {
        *m = pos2++;
      }
    }
    count[n + a] = count[min1] + count[min2];
    parent[min1] = static_cast<std::uint32_t>(n + a);
    parent[min2] = static_cast<std::uint32_t>(n + a);
    binary[min2] = 1;
  }
  std::vector<std::vector<std::uint32_t>> word_points(n);
  std::vector<std::vector<std::uint8_t>> word_codes(n);
  const std::size_t root = 2 * n - 2;
  for (std::size_t s = 0; s < n; ++s) {
    std::size_t b = s;
    std::vector<std::uint8_t> c;
    std::vector<std::uint32_t> p;
    while (b != root) {
      c.push_back(binary[b]);
      b = parent[b];
      p.push_back(static_cast<std::uint32_t>(b - n));
    }
    std::reverse(c.begin(), c.end());
    std::reverse(p.begin(), p.end());
    word_codes[order[s]] = std::move(c);
    word_points[order[s]] = std::move(p);
  }
  for (std::size_t i = 0; i < n; ++i) {
    offsets[i + 1] = offsets[i] + static_cast<std::uint32_t>(word_codes[i].size());
    codes.insert(codes.end(), word_codes[i].begin(), word_codes[i].end());
    points.insert(points.end(), word_points[i].begin(), word_points[i].end());
  }
}

}  // namespace slide::w2v
