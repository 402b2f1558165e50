#include "slide/text/unigram_table.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "slide/core/error.h"

namespace slide::text {
namespace {

std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

TEST(UnigramSampler, ProbabilitiesAreCountToThePower) {
  const std::vector<std::uint64_t> counts = {0, 1000, 1, 50, 7, 0, 300, 12345, 2};
  UnigramSampler sampler(counts, 0.75);
  double total = 0;
  for (auto c : counts) total += std::pow(static_cast<double>(c), 0.75);
  for (std::uint32_t i = 0; i < counts.size(); ++i) {
    EXPECT_NEAR(sampler.probability(i), std::pow(static_cast<double>(counts[i]), 0.75) / total,
                1e-8)
        << i;
  }
}

TEST(UnigramSampler, EmpiricalFrequenciesMatch) {
  std::vector<std::uint64_t> counts;
  for (std::uint64_t i = 0; i < 200; ++i) counts.push_back(i % 13 == 5 ? 0 : (i * 7919) % 1000 + 1);
  UnigramSampler sampler(counts, 0.75);
  double total = 0;
  for (auto c : counts) total += std::pow(static_cast<double>(c), 0.75);
  const std::size_t draws = 4'000'000;
  std::vector<std::uint64_t> seen(counts.size());
  std::uint64_t state = 42;
  for (std::size_t d = 0; d < draws; ++d) ++seen[sampler.sample(splitmix64(state))];
  for (std::size_t i = 0; i < counts.size(); ++i) {
    const double p = std::pow(static_cast<double>(counts[i]), 0.75) / total;
    if (counts[i] == 0) {
      EXPECT_EQ(seen[i], 0u) << i;
      continue;
    }
    // 5 standard deviations of a binomial count.
    const double expected = p * draws;
    EXPECT_NEAR(static_cast<double>(seen[i]), expected, 5 * std::sqrt(expected * (1 - p)) + 1)
        << "id " << i;
  }
}

TEST(UnigramSampler, PowerZeroIsUniformOverNonZeroCounts) {
  UnigramSampler sampler(std::vector<std::uint64_t>{5, 0, 1, 100}, 0.0);
  EXPECT_NEAR(sampler.probability(0), 1.0 / 3, 1e-9);
  EXPECT_NEAR(sampler.probability(1), 0.0, 1e-12);
}

TEST(UnigramSampler, RejectsDegenerateInput) {
  EXPECT_THROW(UnigramSampler(std::vector<std::uint64_t>{}), UsageError);
  EXPECT_THROW(UnigramSampler(std::vector<std::uint64_t>{0, 0}), UsageError);
  EXPECT_THROW(UnigramSampler(std::vector<std::uint64_t>{1}, -1.0), UsageError);
  UnigramSampler single(std::vector<std::uint64_t>{0, 3});
  for (std::uint64_t r : {0ull, ~0ull, 0x123456789abcdefull}) EXPECT_EQ(single.sample(r), 1u);
}

}  // namespace
}  // namespace slide::text
