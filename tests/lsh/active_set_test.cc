#include "slide/lsh/active_set.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <vector>

#include "lsh/test_util.h"
#include "slide/core/error.h"

namespace slide::lsh {
namespace {

// 8 tables of 16 keys (SimHash K = 4) over n items with keys drawn at random: the test controls
// the buckets through build_from_keys.
struct Fixture {
  static constexpr std::size_t kItems = 4000;
  static constexpr std::uint32_t kTables = 8;
  LshTables tables;
  std::vector<std::uint32_t> keys;  // the query's keys: key 0 in every table
  QueryScratch scratch;

  Fixture() : tables(config(), 4), keys(kTables, 0), scratch(kItems) {
    std::vector<std::uint32_t> item_keys(kTables * kItems);
    Rng rng(1);
    for (std::uint32_t& k : item_keys) k = static_cast<std::uint32_t>(rng.uniform64(16));
    tables.build_from_keys(item_keys.data(), kItems);
  }
  static LshConfig config() {
    LshConfig c;
    c.family = HashFamily::simhash;
    c.k = 4;
    c.l = kTables;
    c.capacity = 1000;
    c.seed = 3;
    return c;
  }
  // Hit count of every item for the query keys.
  std::vector<int> hits() const {
    std::vector<int> h(kItems, 0);
    for (std::uint32_t t = 0; t < kTables; ++t)
      for (std::uint32_t id : tables.bucket(t, keys[t])) ++h[id];
    return h;
  }
};

ActiveSetConfig policy(ActivePolicy p, std::uint32_t beta, std::uint32_t min_active = 0,
                       std::uint32_t min_hits = 2) {
  ActiveSetConfig c;
  c.policy = p;
  c.beta = beta;
  c.min_active = min_active;
  c.min_hits = min_hits;
  return c;
}

void expect_valid(const std::vector<std::uint32_t>& out, const std::vector<std::uint32_t>& forced,
                  std::size_t n) {
  ASSERT_GE(out.size(), forced.size());
  for (std::size_t i = 0; i < forced.size(); ++i) EXPECT_EQ(out[i], forced[i]) << "forced first";
  EXPECT_EQ(std::set<std::uint32_t>(out.begin(), out.end()).size(), out.size()) << "repeats";
  for (std::uint32_t id : out) EXPECT_LT(id, n);
}

TEST(ActiveSet, UnionTakesEveryBucketThenFills) {
  Fixture f;
  const std::vector<int> hits = f.hits();
  const std::vector<std::uint32_t> forced = {7, 3999, 7};  // duplicates are dropped
  const std::vector<std::uint32_t> unique_forced = {7, 3999};
  std::vector<std::uint32_t> out;
  ActiveSetSelector none(policy(ActivePolicy::union_fill, 1), Fixture::kItems);
  none.select(forced, &f.tables, f.keys.data(), 1, f.scratch, out);
  expect_valid(out, unique_forced, Fixture::kItems);
  std::set<std::uint32_t> expected(unique_forced.begin(), unique_forced.end());
  for (std::uint32_t id = 0; id < Fixture::kItems; ++id)
    if (hits[id] > 0) expected.insert(id);
  EXPECT_EQ(std::set<std::uint32_t>(out.begin(), out.end()), expected);

  ActiveSetSelector fill(policy(ActivePolicy::union_fill, 1, 3500), Fixture::kItems);
  const SelectStats stats = fill.select(forced, &f.tables, f.keys.data(), 1, f.scratch, out);
  expect_valid(out, unique_forced, Fixture::kItems);
  EXPECT_EQ(out.size(), 3500U);
  EXPECT_EQ(stats.filled, 3500 - expected.size());
  for (std::uint32_t id : expected) EXPECT_NE(std::find(out.begin(), out.end(), id), out.end());
}

TEST(ActiveSet, BudgetIsExactAndTakesWholeTablesFirst) {
  Fixture f;
  std::vector<std::uint32_t> out;
  const std::vector<std::uint32_t> forced = {11, 12};
  for (std::uint32_t beta : {2U, 100U, 300U, 1000U, 3999U, 4000U, 5000U}) {
    ActiveSetSelector s(policy(ActivePolicy::budget, beta), Fixture::kItems);
    const SelectStats stats = s.select(forced, &f.tables, f.keys.data(), beta, f.scratch, out);
    expect_valid(out, forced, Fixture::kItems);
    EXPECT_EQ(out.size(), std::min<std::size_t>(beta, Fixture::kItems)) << "beta " << beta;
    // Every id of the fully used tables is in; ids beyond come from the last table or fill.
    EXPECT_EQ(stats.from_tables + stats.filled + forced.size(), out.size());
    if (stats.filled > 0) {
      const std::vector<int> hits = f.hits();
      for (std::uint32_t id = 0; id < Fixture::kItems; ++id) {
        if (hits[id] > 0) {
          EXPECT_NE(std::find(out.begin(), out.end(), id), out.end()) << "fill before buckets";
        }
      }
    }
  }
  // About 250 ids per bucket: a budget of 300 uses two tables and fills nothing.
  ActiveSetSelector s(policy(ActivePolicy::budget, 300), Fixture::kItems);
  const SelectStats stats = s.select({}, &f.tables, f.keys.data(), 5, f.scratch, out);
  EXPECT_EQ(stats.filled, 0U);
  EXPECT_EQ(stats.tables_used, 2U);
}

TEST(ActiveSet, BudgetTableOrderDependsOnTheSeedOnly) {
  Fixture f;
  ActiveSetSelector s(policy(ActivePolicy::budget, 600), Fixture::kItems);
  std::vector<std::uint32_t> a, b, c;
  s.select({}, &f.tables, f.keys.data(), 42, f.scratch, a);
  s.select({}, &f.tables, f.keys.data(), 43, f.scratch, c);
  s.select({}, &f.tables, f.keys.data(), 42, f.scratch, b);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
}

TEST(ActiveSet, ThresholdKeepsIdsSeenInEnoughTables) {
  Fixture f;
  const std::vector<int> hits = f.hits();
  std::vector<std::uint32_t> out;
  for (std::uint32_t m : {1U, 2U, 3U}) {
    ActiveSetSelector s(policy(ActivePolicy::threshold, 1, 0, m), Fixture::kItems);
    s.select(std::vector<std::uint32_t>{5}, &f.tables, f.keys.data(), 1, f.scratch, out);
    std::set<std::uint32_t> expected = {5};
    for (std::uint32_t id = 0; id < Fixture::kItems; ++id)
      if (hits[id] >= static_cast<int>(m)) expected.insert(id);
    EXPECT_EQ(std::set<std::uint32_t>(out.begin(), out.end()), expected) << "m " << m;
    EXPECT_EQ(out.front(), 5U);
  }
}

TEST(ActiveSet, TopHitsTakesTheMostFrequentCandidates) {
  Fixture f;
  const std::vector<int> hits = f.hits();
  std::vector<std::uint32_t> out;
  for (std::uint32_t beta : {50U, 400U, 1500U}) {
    ActiveSetSelector s(policy(ActivePolicy::top_hits, beta), Fixture::kItems);
    s.select(std::vector<std::uint32_t>{0}, &f.tables, f.keys.data(), beta, f.scratch, out);
    expect_valid(out, {0}, Fixture::kItems);
    ASSERT_EQ(out.size(), beta);
    int min_in = 1000, max_out = -1;
    std::vector<bool> in(Fixture::kItems, false);
    for (std::size_t i = 1; i < out.size(); ++i) {
      in[out[i]] = true;
      min_in = std::min(min_in, hits[out[i]]);
    }
    for (std::uint32_t id = 1; id < Fixture::kItems; ++id)
      if (!in[id]) max_out = std::max(max_out, hits[id]);
    EXPECT_GE(min_in, max_out) << "beta " << beta;
  }
}

TEST(ActiveSet, UniformIsUniformAndExactSize) {
  const std::size_t n = 1000;
  ActiveSetSelector s(policy(ActivePolicy::uniform, 100), n);
  QueryScratch scratch(n);
  std::vector<std::uint32_t> out;
  std::vector<int> count(n, 0);
  constexpr int kDraws = 2000;
  for (int i = 0; i < kDraws; ++i) {
    s.select(std::vector<std::uint32_t>{0}, nullptr, nullptr, static_cast<std::uint64_t>(i),
             scratch, out);
    ASSERT_EQ(out.size(), 100U);
    expect_valid(out, {0}, n);
    for (std::size_t j = 1; j < out.size(); ++j) ++count[out[j]];
  }
  // Each other id is chosen with probability 99 / 999 per draw.
  const double p = 99.0 / 999.0;
  const double se = testing::standard_error(p, kDraws);
  for (std::uint32_t id = 1; id < n; ++id)
    EXPECT_NEAR(count[id] / static_cast<double>(kDraws), p, 5 * se) << id;
}

TEST(ActiveSet, FillNeverRepeatsEvenWhenNearlyFull) {
  const std::size_t n = 300;
  QueryScratch scratch(n);
  std::vector<std::uint32_t> out;
  std::vector<std::uint32_t> forced;
  for (std::uint32_t i = 0; i < 100; ++i) forced.push_back(i * 3);
  for (std::uint32_t beta : {120U, 200U, 290U, 299U, 300U, 301U}) {
    ActiveSetSelector s(policy(ActivePolicy::uniform, beta), n);
    s.select(forced, nullptr, nullptr, beta, scratch, out);
    expect_valid(out, forced, n);
    EXPECT_EQ(out.size(), std::min<std::size_t>(beta, n));
  }
}

TEST(ActiveSet, ExactMatchesBruteForceTopInnerProducts) {
  const std::size_t n = 2000, dim = 20;
  Rng rng(8);
  std::vector<float> rows(n * (dim + 1));
  for (float& v : rows) v = static_cast<float>(rng.normal());
  const auto query = testing::gaussian_vector(dim, rng);
  ActiveSetSelector s(policy(ActivePolicy::exact, 31), n);
  s.set_rows(rows.data(), dim + 1, dim);
  QueryScratch scratch(n);
  std::vector<std::uint32_t> out;
  s.select(std::vector<std::uint32_t>{1999}, nullptr, nullptr, 0, scratch, out, query.data());
  ASSERT_EQ(out.size(), 31U);
  std::vector<std::pair<double, std::uint32_t>> scored;
  for (std::uint32_t i = 0; i < n - 1; ++i) {
    double dot = 0;
    for (std::size_t d = 0; d < dim; ++d) dot += double{rows[i * (dim + 1) + d]} * query[d];
    scored.emplace_back(-dot, i);
  }
  std::sort(scored.begin(), scored.end());
  EXPECT_EQ(out[0], 1999U);
  for (std::size_t i = 1; i < 31; ++i) EXPECT_EQ(out[i], scored[i - 1].second) << i;
}

TEST(ActiveSet, ForcedIdsMayAliasTheOutput) {
  Fixture f;
  ActiveSetSelector s(policy(ActivePolicy::budget, 500), Fixture::kItems);
  std::vector<std::uint32_t> expected, out = {9, 8, 9, 7};
  s.select(std::vector<std::uint32_t>{9, 8, 9, 7}, &f.tables, f.keys.data(), 3, f.scratch,
           expected);
  s.select(out, &f.tables, f.keys.data(), 3, f.scratch, out);
  EXPECT_EQ(out, expected);
  EXPECT_EQ(std::vector<std::uint32_t>(out.begin(), out.begin() + 3),
            (std::vector<std::uint32_t>{9, 8, 7}));
}

TEST(ActiveSet, RejectsMissingInputs) {
  Fixture f;
  std::vector<std::uint32_t> out;
  ActiveSetSelector budget(policy(ActivePolicy::budget, 10), Fixture::kItems);
  EXPECT_THROW(budget.select({}, nullptr, nullptr, 0, f.scratch, out), UsageError);
  EXPECT_THROW(budget.select(std::vector<std::uint32_t>{Fixture::kItems}, &f.tables, f.keys.data(),
                             0, f.scratch, out),
               UsageError);
  ActiveSetSelector exact(policy(ActivePolicy::exact, 10), Fixture::kItems);
  EXPECT_THROW(exact.select({}, nullptr, nullptr, 0, f.scratch, out), UsageError);
  EXPECT_THROW(ActiveSetSelector(policy(ActivePolicy::budget, 0), 10), UsageError);
  EXPECT_THROW(parse_active_policy("nope"), UsageError);
  EXPECT_EQ(parse_active_policy("top-hits"), ActivePolicy::top_hits);
  // After a failed call the scratch still works.
  budget.select({}, &f.tables, f.keys.data(), 0, f.scratch, out);
  EXPECT_EQ(out.size(), 10U);
}

}  // namespace
}  // namespace slide::lsh
