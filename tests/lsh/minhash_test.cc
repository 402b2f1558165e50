#include "slide/lsh/minhash.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <vector>

#include "lsh/test_util.h"

namespace slide::lsh {
namespace {

using testing::standard_error;

LshConfig minhash_config(std::uint32_t k, std::uint32_t l) {
  LshConfig c;
  c.family = HashFamily::minhash;
  c.k = k;
  c.l = l;
  c.bin_size = 8;
  c.seed = 31;
  return c;
}

// Two sets of `size` elements with Jaccard similarity shared / (2 size - shared).
void set_pair(std::size_t dim, std::size_t size, std::size_t shared, Rng& rng,
              std::vector<std::uint32_t>& a, std::vector<std::uint32_t>& b) {
  std::set<std::uint32_t> used;
  std::vector<std::uint32_t> dims;
  while (dims.size() < 2 * size - shared) {
    const auto d = static_cast<std::uint32_t>(rng.uniform64(dim));
    if (used.insert(d).second) dims.push_back(d);
  }
  a.assign(dims.begin(), dims.begin() + static_cast<std::ptrdiff_t>(size));
  b.assign(dims.begin(), dims.begin() + static_cast<std::ptrdiff_t>(shared));
  b.insert(b.end(), dims.begin() + static_cast<std::ptrdiff_t>(size), dims.end());
}

TEST(MinHash, CollisionFollowsJaccard) {
  const MinHash hash(minhash_config(4, 50), 20000);
  constexpr int kPairs = 150;
  const double trials = kPairs * 200.0;
  std::vector<std::uint32_t> a, b, ca(200), cb(200);
  double previous = -1;
  for (std::size_t shared : {0, 40, 100, 160}) {
    Rng rng(3);
    double same = 0;
    for (int p = 0; p < kPairs; ++p) {
      set_pair(20000, 200, shared, rng, a, b);
      hash.codes_sparse(a.data(), nullptr, a.size(), ca.data());
      hash.codes_sparse(b.data(), nullptr, b.size(), cb.data());
      for (std::uint32_t j = 0; j < 200; ++j) same += ca[j] == cb[j];
    }
    const double rate = same / trials;
    const double jaccard = static_cast<double>(shared) / static_cast<double>(400 - shared);
    // b-bit minwise hashing: equal minima always collide, different ones 1 / bin_size of the
    // time. Densification leaves this unbiased up to a small term, hence + 0.02.
    const double expected = jaccard + (1 - jaccard) / 8;
    EXPECT_NEAR(rate, expected, 4 * standard_error(expected, trials) + 0.02)
        << "Jaccard " << jaccard;
    EXPECT_GT(rate, previous + 4 * standard_error(rate, trials));
    previous = rate;
  }
}

TEST(MinHash, MinimumIsTheFirstSetElementInPermutationOrder) {
  const MinHash hash(minhash_config(2, 10), 500);
  Rng rng(4);
  std::vector<std::uint32_t> set = {3, 77, 150, 151, 320, 499}, mins(20);
  hash.min_dims_sparse(set.data(), set.size(), mins.data());
  for (std::uint32_t b = 0; b < 20; ++b) {
    std::uint32_t expected = kEmptyCode;
    for (std::uint32_t d : hash.layout().bin(b))
      if (std::find(set.begin(), set.end(), d) != set.end()) {
        expected = d;
        break;
      }
    EXPECT_EQ(mins[b], expected);
  }
}

TEST(MinHash, DenseNonZerosEqualTheSparseSetAndNoCodeIsEmpty) {
  const MinHash hash(minhash_config(3, 40), 1000);
  Rng rng(5);
  std::vector<std::uint32_t> kd(40), ks(40), codes(120);
  for (int trial = 0; trial < 20; ++trial) {
    std::vector<float> x(1000, 0.0F);
    std::vector<std::uint32_t> idx;
    std::vector<float> val;
    for (std::uint32_t d = 0; d < 1000; ++d)
      if (rng.uniform64(100) == 0) {
        x[d] = 0.5F;
        idx.push_back(d);
        val.push_back(0.5F);
      }
    idx.push_back(idx.empty() ? 0 : idx.back());  // a zero value is not in the set
    val.push_back(0.0F);
    if (idx.size() > 1) idx.back() = (idx[idx.size() - 2] + 1) % 1000;
    if (x[idx.back()] != 0.0F) continue;
    hash.hash_dense(x.data(), kd.data());
    hash.hash_sparse(idx.data(), val.data(), idx.size(), ks.data());
    EXPECT_EQ(kd, ks);
    hash.codes_sparse(idx.data(), val.data(), idx.size(), codes.data());
    for (std::uint32_t c : codes) EXPECT_LT(c, 8U);
  }
}

TEST(MinHash, PartitionUsesEveryPositionOnce) {
  const MinHash hash(minhash_config(3, 7), 100);  // 21 bins over one permutation of 100
  std::vector<int> count(100, 0);
  std::size_t total = 0;
  for (std::uint32_t b = 0; b < 21; ++b) {
    const auto bin = hash.layout().bin(b);
    EXPECT_GE(bin.size(), 4U);
    EXPECT_LE(bin.size(), 5U);
    total += bin.size();
    for (std::uint32_t d : bin) ++count[d];
  }
  EXPECT_EQ(total, 100U);
  for (int c : count) EXPECT_EQ(c, 1);
}

}  // namespace
}  // namespace slide::lsh
