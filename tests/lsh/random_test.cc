#include "slide/lsh/random.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "slide/core/error.h"
#include "slide/lsh/lsh_config.h"

namespace slide::lsh {
namespace {

TEST(LshRandom, UniformIsUnbiasedForAwkwardBounds) {
  // 3 * 2^30 is where a plain modulo of 32 random bits would be most biased (2:1).
  Rng rng(1);
  const std::uint64_t bound = 3ULL << 30;
  constexpr int kDraws = 60000;
  int low = 0;
  for (int i = 0; i < kDraws; ++i) {
    const std::uint64_t r = rng.uniform(bound);
    ASSERT_LT(r, bound);
    low += r < bound / 3;
  }
  const double p = 1.0 / 3;
  EXPECT_NEAR(low / static_cast<double>(kDraws), p, 4 * std::sqrt(p * (1 - p) / kDraws));
  for (std::uint64_t b : {1ULL, 2ULL, 7ULL, (1ULL << 32) + 5, ~0ULL})
    for (int i = 0; i < 100; ++i) ASSERT_LT(rng.uniform(b), b);
}

TEST(LshRandom, NormalHasUnitMomentsAndSeedsReproduce) {
  Rng rng(2);
  constexpr int kDraws = 100000;
  double sum = 0, sum2 = 0;
  for (int i = 0; i < kDraws; ++i) {
    const double x = rng.normal();
    sum += x;
    sum2 += x * x;
  }
  EXPECT_NEAR(sum / kDraws, 0.0, 4 / std::sqrt(kDraws));
  EXPECT_NEAR(sum2 / kDraws, 1.0, 4 * std::sqrt(2.0 / kDraws));
  Rng a(mix_seed(7, 1, 2)), b(mix_seed(7, 1, 2)), c(mix_seed(7, 2, 1));
  EXPECT_EQ(a.next(), b.next());
  EXPECT_NE(a.next(), c.next());
}

TEST(LshConfig, KeySpaceAndValidation) {
  LshConfig c;
  c.family = HashFamily::dwta;
  c.k = 6;
  c.bin_size = 8;
  EXPECT_EQ(c.num_keys(), 262144U);
  EXPECT_EQ(c.key_bits(), 18U);  // 3 bits per code, no overlap
  c.bin_size = 6;
  EXPECT_EQ(c.num_keys(), 46656U);  // exactly the reachable keys, not 2^18
  c.family = HashFamily::simhash;
  c.k = 9;
  EXPECT_EQ(c.num_keys(), 512U);
  EXPECT_NO_THROW(c.validate(128));
  c.k = 0;
  EXPECT_THROW(c.validate(), UsageError);
  c.k = 6;
  c.capacity = 0;
  EXPECT_THROW(c.validate(), UsageError);
  c.capacity = 1;
  c.family = HashFamily::wta;
  c.bin_size = 16;
  c.k = 9;  // 16^9 = 2^36 keys
  EXPECT_THROW(c.validate(), UsageError);
  EXPECT_EQ(parse_family("dwta"), HashFamily::dwta);
  EXPECT_THROW(parse_family("lsh"), UsageError);
  EXPECT_EQ(parse_replacement("reservoir"), Replacement::reservoir);
  EXPECT_THROW(parse_replacement("lru"), UsageError);
}

}  // namespace
}  // namespace slide::lsh
