#include "slide/core/random.h"

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>
#include <vector>

namespace slide {
namespace {

TEST(Rng, SameSeedAndStreamGiveSameSequence) {
  Rng a(42, 1, 2, 3), b(42, 1, 2, 3);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(a.next_u64(), b.next_u64());
}

TEST(Rng, DifferentStreamsDiffer) {
  // Each coordinate and its position matter.
  Rng a(42, 1, 2), b(42, 2, 1), c(42, 1, 3), d(43, 1, 2), e(42, 1);
  const auto x = a.next_u64();
  EXPECT_NE(x, b.next_u64());
  EXPECT_NE(x, c.next_u64());
  EXPECT_NE(x, d.next_u64());
  EXPECT_NE(x, e.next_u64());
}

TEST(Rng, UniformStaysInRangeAndCoversIt) {
  Rng rng(7);
  std::vector<int> counts(10, 0);
  for (int i = 0; i < 100000; ++i) {
    const auto v = rng.uniform(10);
    ASSERT_LT(v, 10u);
    ++counts[v];
  }
  for (int c : counts) EXPECT_NEAR(c, 10000, 500);  // ~5 sigma
  for (int i = 0; i < 1000; ++i)
    EXPECT_LT(rng.uniform64(std::uint64_t{1} << 40), std::uint64_t{1} << 40);
  EXPECT_EQ(rng.uniform(1), 0u);
}

TEST(Rng, Uniform64IsUnbiasedForAwkwardBounds) {
  // 3 * 2^30 is where a plain modulo of 32 random bits would be most biased (2:1); the LSH
  // samplers draw from bounds of every size.
  Rng rng(1);
  const std::uint64_t bound = 3ULL << 30;
  constexpr int kDraws = 60000;
  int low = 0;
  for (int i = 0; i < kDraws; ++i) {
    const std::uint64_t r = rng.uniform64(bound);
    ASSERT_LT(r, bound);
    low += r < bound / 3;
  }
  const double p = 1.0 / 3;
  EXPECT_NEAR(low / static_cast<double>(kDraws), p, 4 * std::sqrt(p * (1 - p) / kDraws));
  for (std::uint64_t b : {1ULL, 2ULL, 7ULL, (1ULL << 32) + 5, ~0ULL}) {
    for (int i = 0; i < 100; ++i) ASSERT_LT(rng.uniform64(b), b);
  }
}

TEST(Rng, FloatsAndNormalsHaveTheRightMoments) {
  Rng rng(9);
  double sum = 0, sum2 = 0, usum = 0;
  const int n = 200000;
  for (int i = 0; i < n; ++i) {
    const double z = rng.normal();
    sum += z;
    sum2 += z * z;
    const float u = rng.uniform_float();
    ASSERT_GE(u, 0.0f);
    ASSERT_LT(u, 1.0f);
    usum += u;
  }
  EXPECT_NEAR(sum / n, 0.0, 0.01);
  EXPECT_NEAR(sum2 / n, 1.0, 0.02);
  EXPECT_NEAR(usum / n, 0.5, 0.005);
}

TEST(Rng, ShuffleIsAPermutationAndSeeded) {
  std::vector<int> a(100), b(100);
  std::iota(a.begin(), a.end(), 0);
  b = a;
  Rng(5, 0).shuffle(a.data(), a.size());
  Rng(5, 0).shuffle(b.data(), b.size());
  EXPECT_EQ(a, b);
  std::vector<int> sorted = a;
  std::sort(sorted.begin(), sorted.end());
  for (int i = 0; i < 100; ++i) EXPECT_EQ(sorted[i], i);
  int moved = 0;
  for (int i = 0; i < 100; ++i) moved += a[i] != i;
  EXPECT_GT(moved, 80);
}

}  // namespace
}  // namespace slide
