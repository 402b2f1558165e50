#include "slide/xc/row_sampling.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <numeric>
#include <vector>

namespace slide::xc {
namespace {

TEST(RowSampling, PermutationIsAPermutationAndSeeded) {
  const std::vector<std::uint64_t> a = random_permutation(1000, 42);
  std::vector<std::uint64_t> sorted = a;
  std::sort(sorted.begin(), sorted.end());
  std::vector<std::uint64_t> identity(1000);
  std::iota(identity.begin(), identity.end(), std::uint64_t{0});
  EXPECT_EQ(sorted, identity);
  EXPECT_NE(a, identity);
  EXPECT_EQ(random_permutation(1000, 42), a);
  EXPECT_NE(random_permutation(1000, 43), a);
  EXPECT_TRUE(random_permutation(0, 1).empty());
  EXPECT_EQ(random_permutation(1, 1), std::vector<std::uint64_t>{0});
}

TEST(RowSampling, PermutationIsRoughlyUniform) {
  // Where element 0 lands over many seeds: each of 8 positions about 1/8 of the time.
  std::vector<int> where(8, 0);
  for (std::uint64_t seed = 0; seed < 8000; ++seed) {
    const auto p = random_permutation(8, seed);
    ++where[static_cast<std::size_t>(std::find(p.begin(), p.end(), 0u) - p.begin())];
  }
  for (int count : where) EXPECT_NEAR(count, 1000, 150);  // > 5 sigma
}

TEST(RowSampling, SubsetIsSortedDistinctSeededAndNotThePrefix) {
  const std::vector<std::uint64_t> s = random_subset(10000, 100, 5);
  ASSERT_EQ(s.size(), 100u);
  EXPECT_TRUE(std::is_sorted(s.begin(), s.end()));
  EXPECT_EQ(std::adjacent_find(s.begin(), s.end()), s.end());
  EXPECT_LT(s.back(), 10000u);
  EXPECT_GT(s.back(), 5000u);  // spread over the file, not its first rows
  EXPECT_EQ(random_subset(10000, 100, 5), s);
  EXPECT_NE(random_subset(10000, 100, 6), s);
  EXPECT_EQ(random_subset(5, 10, 1), (std::vector<std::uint64_t>{0, 1, 2, 3, 4}));
  EXPECT_TRUE(random_subset(5, 0, 1).empty());
}

TEST(RowSampling, SubsetIsRoughlyUniform) {
  // Each of 10 rows is in a 3-subset with probability 3/10.
  std::vector<int> hits(10, 0);
  for (std::uint64_t seed = 0; seed < 10000; ++seed)
    for (std::uint64_t row : random_subset(10, 3, seed)) ++hits[row];
  for (int count : hits) EXPECT_NEAR(count, 3000, 250);  // > 5 sigma (sigma = 46)
}

}  // namespace
}  // namespace slide::xc
