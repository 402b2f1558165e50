// ActiveSetConfig::fill_pool: the random fill of a table policy drawn from a pool shared by the
// examples of a batch (the pool seed), not from all ids.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <vector>

#include "slide/core/random.h"
#include "slide/lsh/active_set.h"

namespace slide::lsh {
namespace {

constexpr std::size_t kItems = 4000;
constexpr std::uint32_t kTables = 8;

LshConfig config() {
  LshConfig c;
  c.family = HashFamily::simhash;
  c.k = 4;
  c.l = kTables;
  c.capacity = 1000;
  c.seed = 3;
  return c;
}

// 8 tables with about 250 ids per bucket; the query's key is 0 in every table.
struct Tables {
  LshTables tables{config(), 4};
  std::vector<std::uint32_t> keys = std::vector<std::uint32_t>(kTables, 0);
  Tables() {
    std::vector<std::uint32_t> item_keys(kTables * kItems);
    Rng rng(1);
    for (std::uint32_t& k : item_keys) k = static_cast<std::uint32_t>(rng.uniform64(16));
    tables.build_from_keys(item_keys.data(), kItems);
  }
  std::set<std::uint32_t> in_buckets() const {
    std::set<std::uint32_t> ids;
    for (std::uint32_t t = 0; t < kTables; ++t)
      for (std::uint32_t id : tables.bucket(t, keys[t])) ids.insert(id);
    return ids;
  }
};

ActiveSetConfig budget(std::uint32_t beta, std::uint32_t pool) {
  ActiveSetConfig c;
  c.policy = ActivePolicy::budget;
  c.beta = beta;
  c.fill_pool = pool;
  return c;
}

TEST(FillPool, FillComesFromThePoolOfTheBatchSeed) {
  Tables t;
  const std::set<std::uint32_t> bucket_ids = t.in_buckets();
  ASSERT_LT(bucket_ids.size(), 1700u);  // the budget below needs a fill
  ActiveSetSelector s(budget(1800, 1500), kItems);
  QueryScratch thread_a(kItems), thread_b(kItems);
  const std::vector<std::uint32_t> forced = {5, 3999};
  std::vector<std::uint32_t> x, y, z;
  const SelectStats sx = s.select(forced, &t.tables, t.keys.data(), 1, thread_a, x, nullptr, 77);
  const std::set<std::uint32_t> pool(thread_a.pool.begin(), thread_a.pool.end());
  EXPECT_EQ(pool.size(), 1500u);
  EXPECT_EQ(thread_a.pool.size(), 1500u);
  // Another example of the batch, on another thread's scratch: the same pool.
  const SelectStats sy = s.select({}, &t.tables, t.keys.data(), 2, thread_b, y, nullptr, 77);
  EXPECT_EQ(thread_b.pool, thread_a.pool);
  EXPECT_GT(sx.filled, 0u);
  EXPECT_GT(sy.filled, 0u);
  for (const auto* out : {&x, &y}) {
    EXPECT_EQ(out->size(), 1800u);
    EXPECT_EQ(std::set<std::uint32_t>(out->begin(), out->end()).size(), out->size());
    for (std::uint32_t id : *out) {
      const bool allowed = bucket_ids.count(id) || pool.count(id) || id == 5 || id == 3999;
      ASSERT_TRUE(allowed) << id << " is neither in a bucket, forced, nor in the pool";
    }
  }
  EXPECT_EQ(x[0], 5u);
  EXPECT_EQ(x[1], 3999u);
  // The next batch: another pool.
  s.select({}, &t.tables, t.keys.data(), 3, thread_a, z, nullptr, 78);
  EXPECT_NE(std::set<std::uint32_t>(thread_a.pool.begin(), thread_a.pool.end()), pool);
  // The marker array is clean afterwards: a selection without a pool is still valid.
  ActiveSetSelector plain(budget(2500, 0), kItems);
  std::vector<std::uint32_t> w;
  plain.select({}, &t.tables, t.keys.data(), 4, thread_a, w);
  EXPECT_EQ(std::set<std::uint32_t>(w.begin(), w.end()).size(), 2500u);
}

TEST(FillPool, APoolTooSmallIsToppedUpFromAllIds) {
  Tables t;
  ActiveSetSelector s(budget(3000, 50), kItems);
  QueryScratch scratch(kItems);
  std::vector<std::uint32_t> out;
  s.select({}, &t.tables, t.keys.data(), 1, scratch, out, nullptr, 9);
  EXPECT_EQ(out.size(), 3000u);
  EXPECT_EQ(std::set<std::uint32_t>(out.begin(), out.end()).size(), 3000u);
}

TEST(FillPool, EachIdIsEquallyLikelyToBeInThePool) {
  // Over many batch seeds every id is in a pool of 400 of 4000 about 10% of the time.
  Tables t;
  ActiveSetSelector s(budget(1, 400), kItems);
  QueryScratch scratch(kItems);
  std::vector<int> count(kItems, 0);
  std::vector<std::uint32_t> out;
  constexpr int kSeeds = 500;
  for (int seed = 0; seed < kSeeds; ++seed) {
    s.select({}, &t.tables, t.keys.data(), 1, scratch, out, nullptr,
             static_cast<std::uint64_t>(seed));
    for (std::uint32_t id : scratch.pool) ++count[id];
  }
  // Binomial(500, 0.1): mean 50, sd 6.7; 4000 ids stay within 50 +- 6 sd.
  const auto [lo, hi] = std::minmax_element(count.begin(), count.end());
  EXPECT_GT(*lo, 10);
  EXPECT_LT(*hi, 90);
}

}  // namespace
}  // namespace slide::lsh
