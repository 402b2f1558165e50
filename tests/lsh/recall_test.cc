// Recall of the budget policy on planted neighbours: n = 100,000 Gaussian rows of 128 floats,
// 10 rows planted at cosine 0.8 to each query. The settings are the ones documented in
// docs/PERFORMANCE.md (## LSH core), where scripts/benchmarks/lsh_bench --recall prints the full
// curve of every family and policy; this test runs 25 queries to stay fast.

#include <gtest/gtest.h>

#include <algorithm>
#include <vector>

#include "lsh/planted_data.h"
#include "slide/lsh/active_set.h"
#include "slide/lsh/lsh_tables.h"

namespace slide::lsh {
namespace {

constexpr std::size_t kRows = 100000;
constexpr std::size_t kDim = 128;
constexpr std::size_t kQueries = 25;
constexpr std::uint32_t kBudget = kRows / 20;  // touch at most 5% of the rows

const testing::PlantedData& data() {
  static const testing::PlantedData d =
      testing::make_planted_data(kRows, kDim, kQueries, 10, 0.8, 2024);
  return d;
}

struct Recall {
  double recall;
  double mean_active;
  double mean_scanned;
};

Recall budget_recall(const LshConfig& config, std::uint32_t beta) {
  const auto& d = data();
  LshTables tables(config, kDim);
  tables.rehash(d.rows.data(), kDim, kRows, kDim);
  ActiveSetConfig ac;
  ac.policy = ActivePolicy::budget;
  ac.beta = beta;
  ActiveSetSelector selector(ac, kRows);
  QueryScratch scratch(kRows);
  std::vector<std::uint32_t> keys(config.l), out;
  double found = 0, active = 0, scanned = 0;
  for (std::size_t q = 0; q < kQueries; ++q) {
    tables.hash_dense(d.queries[q].data(), keys.data());
    const SelectStats stats = selector.select({}, &tables, keys.data(), q, scratch, out);
    active += static_cast<double>(out.size());
    scanned += static_cast<double>(stats.ids_scanned);
    for (std::uint32_t id : d.planted[q])
      found += std::find(out.begin(), out.end(), id) != out.end();
  }
  return {found / (10.0 * kQueries), active / kQueries, scanned / kQueries};
}

TEST(LshRecall, SimHashBudgetFindsPlantedRows) {
  LshConfig c;
  c.family = HashFamily::simhash;
  c.projection = SimHashProjection::gaussian;
  c.k = 10;
  c.l = 100;
  c.capacity = 128;
  c.seed = 1;
  const Recall r = budget_recall(c, kBudget);
  // Measured 0.99 in the benchmark (200 queries); 250 planted rows here, so a true recall of
  // 0.99 falls under 0.9 with negligible probability.
  EXPECT_GE(r.recall, 0.9);
  EXPECT_LE(r.mean_active, kBudget);
  EXPECT_LE(r.mean_scanned, 1.2 * kBudget);
}

TEST(LshRecall, DwtaBudgetFindsPlantedRows) {
  LshConfig c;
  c.family = HashFamily::dwta;
  c.k = 4;
  c.l = 100;
  c.bin_size = 8;
  c.capacity = 128;
  c.seed = 1;
  const Recall r = budget_recall(c, kBudget);
  EXPECT_GE(r.recall, 0.9);
  EXPECT_LE(r.mean_active, kBudget);
  // DWTA K = 4: about 24 ids per bucket, so all 100 tables give about 2,500 ids.
  EXPECT_LE(r.mean_scanned, kBudget);
}

TEST(LshRecall, UniformSamplingIsTheBaselineItBeats) {
  // Sampled softmax at the same budget finds about 5% of the planted rows.
  const auto& d = data();
  ActiveSetConfig ac;
  ac.policy = ActivePolicy::uniform;
  ac.beta = kBudget;
  ActiveSetSelector selector(ac, kRows);
  QueryScratch scratch(kRows);
  std::vector<std::uint32_t> out;
  double found = 0;
  for (std::size_t q = 0; q < kQueries; ++q) {
    selector.select({}, nullptr, nullptr, q, scratch, out);
    for (std::uint32_t id : d.planted[q])
      found += std::find(out.begin(), out.end(), id) != out.end();
  }
  EXPECT_LT(found / (10.0 * kQueries), 0.2);
}

}  // namespace
}  // namespace slide::lsh
