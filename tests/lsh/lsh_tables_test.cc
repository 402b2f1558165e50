#include "slide/lsh/lsh_tables.h"

#include <gtest/gtest.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <set>
#include <vector>

#include "lsh/test_util.h"
#include "slide/core/error.h"

namespace slide::lsh {
namespace {

LshConfig table_config(HashFamily family, std::uint32_t k, std::uint32_t l, std::uint32_t capacity,
                       Replacement replacement, std::uint64_t seed = 5) {
  LshConfig c;
  c.family = family;
  c.k = k;
  c.l = l;
  c.bin_size = 8;
  c.capacity = capacity;
  c.replacement = replacement;
  c.seed = seed;
  return c;
}

std::vector<std::uint32_t> sorted(std::span<const std::uint32_t> ids) {
  std::vector<std::uint32_t> v(ids.begin(), ids.end());
  std::sort(v.begin(), v.end());
  return v;
}

// Every bucket of every table, in order: a table's full content.
std::vector<std::vector<std::uint32_t>> contents(const LshTables& tables) {
  std::vector<std::vector<std::uint32_t>> all;
  for (std::uint32_t t = 0; t < tables.num_tables(); ++t)
    for (std::uint64_t key = 0; key < tables.config().num_keys(); ++key) {
      const auto b = tables.bucket(t, static_cast<std::uint32_t>(key));
      all.emplace_back(b.begin(), b.end());
    }
  return all;
}

TEST(LshTables, BucketsHoldTheIdsOfTheirKey) {
  // SimHash K = 4: 16 keys, so this builds the direct index.
  LshTables tables(table_config(HashFamily::simhash, 4, 3, 1000, Replacement::fifo), 8);
  const std::size_t n = 500;
  std::vector<std::uint32_t> keys(3 * n);
  Rng rng(1);
  for (std::uint32_t& k : keys) k = static_cast<std::uint32_t>(rng.uniform64(16));
  tables.build_from_keys(keys.data(), n);
  EXPECT_TRUE(tables.direct_index());
  EXPECT_EQ(tables.stored(), 3 * n);
  for (std::uint32_t t = 0; t < 3; ++t)
    for (std::uint32_t key = 0; key < 16; ++key) {
      std::vector<std::uint32_t> expected;
      for (std::uint32_t i = 0; i < n; ++i)
        if (keys[t * n + i] == key) expected.push_back(i);
      EXPECT_EQ(sorted(tables.bucket(t, key)), expected);
    }
  EXPECT_TRUE(tables.bucket(0, 16).empty());  // out of the key space
}

TEST(LshTables, FifoKeepsTheLastInserted) {
  LshTables tables(table_config(HashFamily::simhash, 2, 2, 16, Replacement::fifo), 8);
  const std::size_t n = 1000;
  std::vector<std::uint32_t> keys(2 * n);
  for (std::size_t i = 0; i < n; ++i) {
    keys[i] = 0;                                      // table 0: one bucket of 1000
    keys[n + i] = static_cast<std::uint32_t>(i % 4);  // table 1: 4 buckets of 250
  }
  tables.build_from_keys(keys.data(), n);
  std::vector<std::uint32_t> last;
  for (std::uint32_t i = 984; i < 1000; ++i) last.push_back(i);
  EXPECT_EQ(sorted(tables.bucket(0, 0)), last);
  for (std::uint32_t key = 0; key < 4; ++key) {
    std::vector<std::uint32_t> expected;
    for (std::uint32_t i = 0; i < n; ++i)
      if (i % 4 == key && i >= n - 64) expected.push_back(i);
    EXPECT_EQ(sorted(tables.bucket(1, key)), expected);
  }
  EXPECT_EQ(tables.stored(), 16U + 4 * 16);
}

TEST(LshTables, ReservoirKeepsAUniformSample) {
  // 1 table, 2000 buckets (SimHash K = 11) of 100 inserts each, capacity 10: every position
  // should be kept with probability 10 / 100, measured over the 2000 buckets.
  constexpr std::uint32_t kBuckets = 2000, kPerBucket = 100, kCap = 10;
  LshTables tables(table_config(HashFamily::simhash, 11, 1, kCap, Replacement::reservoir), 8);
  const std::size_t n = std::size_t{kBuckets} * kPerBucket;
  std::vector<std::uint32_t> keys(n);
  for (std::size_t i = 0; i < n; ++i) keys[i] = static_cast<std::uint32_t>(i % kBuckets);
  tables.build_from_keys(keys.data(), n);
  std::vector<double> kept(kPerBucket, 0);
  for (std::uint32_t key = 0; key < kBuckets; ++key) {
    const auto ids = sorted(tables.bucket(0, key));
    ASSERT_EQ(ids.size(), kCap);
    ASSERT_EQ(std::set<std::uint32_t>(ids.begin(), ids.end()).size(), kCap);
    for (std::uint32_t id : ids) {
      ASSERT_EQ(id % kBuckets, key);
      kept[id / kBuckets] += 1;
    }
  }
  const double p = static_cast<double>(kCap) / kPerBucket;
  const double se = testing::standard_error(p, kBuckets);
  double first_half = 0, second_half = 0;
  for (std::uint32_t pos = 0; pos < kPerBucket; ++pos) {
    // 100 positions at 4.5 standard errors each: a false alarm has probability under 0.1%.
    EXPECT_NEAR(kept[pos] / kBuckets, p, 4.5 * se) << "position " << pos;
    (pos < kPerBucket / 2 ? first_half : second_half) += kept[pos];
  }
  // Not FIFO-like: early and late inserts survive equally (each half: 50 * 2000 trials).
  const double half_se = testing::standard_error(p, 50.0 * kBuckets) * 50 * kBuckets;
  EXPECT_NEAR(first_half, second_half, 4 * std::sqrt(2.0) * half_se);
}

TEST(LshTables, SortedIndexMatchesDirectIndex) {
  // The same keys under K = 16 (65,536 keys: direct) and K = 20 (over n: sorted non-empty keys).
  const std::size_t n = 3000;
  std::vector<std::uint32_t> keys(4 * n);
  Rng rng(2);
  for (std::uint32_t& k : keys) k = static_cast<std::uint32_t>(rng.uniform64(300));
  LshTables direct(table_config(HashFamily::simhash, 16, 4, 5, Replacement::reservoir), 8);
  LshTables sorted_index(table_config(HashFamily::simhash, 20, 4, 5, Replacement::reservoir), 8);
  direct.build_from_keys(keys.data(), n);
  sorted_index.build_from_keys(keys.data(), n);
  EXPECT_TRUE(direct.direct_index());
  EXPECT_FALSE(sorted_index.direct_index());
  EXPECT_EQ(direct.stored(), sorted_index.stored());
  for (std::uint32_t t = 0; t < 4; ++t)
    for (std::uint32_t key = 0; key < 310; ++key)
      EXPECT_EQ(sorted(direct.bucket(t, key)), sorted(sorted_index.bucket(t, key)));
  EXPECT_LT(sorted_index.memory_bytes(), direct.memory_bytes());
}

TEST(LshTables, RebuildIsTheSameWhateverTheThreadCount) {
  const std::size_t n = 20000, dim = 32;
  Rng rng(3);
  std::vector<float> rows(n * (dim + 1));  // a bias column that is not hashed
  for (float& v : rows) v = static_cast<float>(rng.normal());
  for (HashFamily family : {HashFamily::dwta, HashFamily::simhash}) {
    for (Replacement replacement : {Replacement::fifo, Replacement::reservoir}) {
      // K = 3 (DWTA: 512 keys) or 6 (SimHash: 64 keys) with capacity 8: many buckets overflow.
      const std::uint32_t k = family == HashFamily::dwta ? 3 : 6;
      const auto config = table_config(family, k, 12, 8, replacement);
      std::vector<std::vector<std::uint32_t>> reference;
      {
        tbb::global_control one(tbb::global_control::max_allowed_parallelism, 1);
        LshTables tables(config, dim);
        tables.rehash(rows.data(), dim + 1, n, dim);
        reference = contents(tables);
      }
      for (int threads : {2, 4}) {
        // Raise the soft limit too: on a 2-core machine a plain arena of 4 gets 2 threads.
        tbb::global_control limit(tbb::global_control::max_allowed_parallelism,
                                  static_cast<std::size_t>(threads));
        tbb::task_arena arena(threads);
        arena.execute([&] {
          LshTables tables(config, dim);
          tables.rehash(rows.data(), dim + 1, n, dim);
          EXPECT_EQ(contents(tables), reference)
              << family_name(family) << " " << replacement_name(replacement) << " " << threads;
        });
      }
    }
  }
}

TEST(LshTables, QueryCountsHitsExactly) {
  const std::size_t n = 5000, dim = 16;
  Rng rng(4);
  std::vector<float> rows(n * dim);
  for (float& v : rows) v = static_cast<float>(rng.normal());
  LshTables tables(table_config(HashFamily::simhash, 5, 20, 64, Replacement::fifo), dim);
  tables.rehash(rows.data(), dim, n, dim);
  QueryScratch scratch(n);
  std::vector<std::uint32_t> keys(20);
  for (int q = 0; q < 20; ++q) {
    const auto x = testing::gaussian_vector(dim, rng);
    tables.hash_dense(x.data(), keys.data());
    tables.query(keys.data(), scratch);
    std::vector<int> expected(n, 0);
    for (std::uint32_t t = 0; t < 20; ++t)
      for (std::uint32_t id : tables.bucket(t, keys[t])) ++expected[id];
    std::size_t distinct = 0;
    for (std::uint32_t id = 0; id < n; ++id) {
      EXPECT_EQ(scratch.hits(id), expected[id]) << "id " << id;
      distinct += expected[id] > 0;
    }
    EXPECT_EQ(scratch.size(), distinct);
    const auto c = scratch.candidates();
    EXPECT_EQ(std::set<std::uint32_t>(c.begin(), c.end()).size(), distinct);
  }
  // The scratch resets completely between queries.
  scratch.clear();
  for (std::uint32_t id = 0; id < n; ++id) ASSERT_EQ(scratch.hits(id), 0);
}

TEST(LshTables, RehashKeepsFunctionsAndRebuildDrawsNewOnes) {
  const std::size_t n = 2000, dim = 24;
  Rng rng(5);
  std::vector<float> rows(n * dim);
  for (float& v : rows) v = static_cast<float>(rng.normal());
  LshTables tables(table_config(HashFamily::wta, 4, 6, 128, Replacement::fifo), dim);
  tables.rehash(rows.data(), dim, n, dim);
  std::vector<std::uint32_t> before(6), after(6);
  tables.hash_dense(rows.data(), before.data());
  tables.rehash(rows.data(), dim, n, dim);
  tables.hash_dense(rows.data(), after.data());
  EXPECT_EQ(before, after);
  EXPECT_EQ(tables.generation(), 0U);
  // Each row is in the bucket of its own key.
  for (std::uint32_t t = 0; t < 6; ++t) {
    const auto b = tables.bucket(t, after[t]);
    EXPECT_NE(std::find(b.begin(), b.end(), 0U), b.end());
  }
  tables.rebuild(rows.data(), dim, n, dim, 99);
  EXPECT_EQ(tables.generation(), 1U);
  EXPECT_EQ(tables.config().seed, 99U);
  tables.hash_dense(rows.data(), after.data());
  EXPECT_NE(before, after);
  EXPECT_THROW(tables.rehash(rows.data(), dim, n, dim + 1), UsageError);
}

TEST(LshTables, MemoryIsProportionalToWhatIsStored) {
  // The target shape, scaled down: DWTA K = 6 (262,144 keys per table), L = 5, n = 300,000.
  const std::size_t n = 300000;
  LshTables tables(table_config(HashFamily::dwta, 6, 5, 128, Replacement::fifo), 16);
  std::vector<std::uint32_t> keys(5 * n);
  Rng rng(6);
  for (std::uint32_t& k : keys) k = static_cast<std::uint32_t>(rng.uniform64(262144));
  tables.build_from_keys(keys.data(), n);
  EXPECT_EQ(tables.stored(), 5 * n);
  const std::size_t expected = 4 * (5 * n) + 4 * 5 * (262144 + 1);
  EXPECT_GE(tables.memory_bytes(), expected);
  EXPECT_LE(tables.memory_bytes(), expected + 1024);
}

TEST(LshTables, RejectsKeysOutsideTheKeySpace) {
  LshTables tables(table_config(HashFamily::simhash, 3, 1, 4, Replacement::fifo), 8);
  std::vector<std::uint32_t> keys = {1, 2, 8};
  EXPECT_THROW(tables.build_from_keys(keys.data(), 3), UsageError);
  EXPECT_EQ(tables.num_items(), 0U);
  EXPECT_TRUE(tables.bucket(0, 1).empty());
}

}  // namespace
}  // namespace slide::lsh
