// LSH core benchmarks.
//
//   lsh_bench                      timings at the Amazon-670K output-layer shape: n = 670,091
//                                  rows of 128 floats, DWTA K = 6, L = 50, bin 8, capacity 128
//   lsh_bench --recall [--n N] [--queries Q]
//                                  recall/size curves of every family and active-set policy on
//                                  N Gaussian rows of 128 floats with 10 rows planted at cosine
//                                  0.8 to each query (prints a table, then exits)
//
// Gaussian rows fill buckets evenly (about n / 8^6 = 2.6 ids per bucket), which flatters the
// query; BM_QueryFullBuckets measures the worst case (every gathered bucket full: L * 128 ids)
// on clustered rows.

#include <benchmark/benchmark.h>
#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/parallel_for.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "../../tests/lsh/planted_data.h"
#include "slide/core/random.h"
#include "slide/lsh/active_set.h"
#include "slide/lsh/lsh_tables.h"
#include "slide/simd/dispatch.h"

namespace {

using namespace slide::lsh;
using slide::mix_seed;
using slide::Rng;

constexpr std::size_t kRows = 670091;
constexpr std::size_t kDim = 128;

LshConfig amazon_config() {
  LshConfig c;
  c.family = HashFamily::dwta;
  c.k = 6;
  c.l = 50;
  c.bin_size = 8;
  c.capacity = 128;
  c.seed = 42;
  return c;
}

const std::vector<float>& gaussian_rows() {
  static const std::vector<float> rows = [] {
    std::vector<float> r(kRows * kDim);
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, kRows, 4096), [&](const auto& range) {
      Rng rng(mix_seed(7, {range.begin()}));
      for (std::size_t i = range.begin() * kDim; i < range.end() * kDim; ++i)
        r[i] = static_cast<float>(rng.normal());
    });
    return r;
  }();
  return rows;
}

// Rows around 2,000 centres (335 per centre): the buckets of a centre's keys overflow.
const std::vector<float>& clustered_rows() {
  static const std::vector<float> rows = [] {
    constexpr std::size_t kCentres = 2000;
    std::vector<float> centres(kCentres * kDim);
    Rng rng(11);
    for (float& v : centres) v = static_cast<float>(rng.normal());
    std::vector<float> r(kRows * kDim);
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, kRows, 4096), [&](const auto& range) {
      Rng local(mix_seed(13, {range.begin()}));
      for (std::size_t i = range.begin(); i < range.end(); ++i)
        for (std::size_t d = 0; d < kDim; ++d)
          r[i * kDim + d] =
              centres[(i % kCentres) * kDim + d] + 0.01F * static_cast<float>(local.normal());
    });
    return r;
  }();
  return rows;
}

LshTables& amazon_tables() {
  static LshTables tables = [] {
    LshTables t(amazon_config(), kDim);
    t.rehash(gaussian_rows().data(), kDim, kRows, kDim);
    return t;
  }();
  return tables;
}

// Arguments: replacement (0 fifo, 1 reservoir), threads (0: all). The CPU column is the
// whole process's CPU time, so contention from other processes shows as wall > CPU / threads.
void BM_Rehash(benchmark::State& state) {
  const auto& rows = gaussian_rows();
  LshConfig config = amazon_config();
  config.replacement = state.range(0) ? Replacement::reservoir : Replacement::fifo;
  std::optional<tbb::global_control> limit;
  if (state.range(1) > 0)
    limit.emplace(tbb::global_control::max_allowed_parallelism,
                  static_cast<std::size_t>(state.range(1)));
  LshTables tables(config, kDim);
  for (auto _ : state) tables.rehash(rows.data(), kDim, kRows, kDim);
  state.counters["table_MB"] = static_cast<double>(tables.memory_bytes()) / 1e6;
  state.counters["stored"] = static_cast<double>(tables.stored());
  state.SetLabel(replacement_name(config.replacement));
}
BENCHMARK(BM_Rehash)
    ->Args({0, 0})
    ->Args({1, 0})
    ->Args({0, 1})
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MeasureProcessCPUTime()
    ->Iterations(3);

void BM_BuildFromKeysOnly(benchmark::State& state) {
  const auto& rows = gaussian_rows();
  LshTables tables(amazon_config(), kDim);
  std::vector<std::uint32_t> keys(kRows * 50);
  tables.functions().hash_rows(rows.data(), kDim, kRows, keys.data(), kRows);
  for (auto _ : state) tables.build_from_keys(keys.data(), kRows);
}
BENCHMARK(BM_BuildFromKeysOnly)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MeasureProcessCPUTime()
    ->Iterations(3);

void BM_HashRowsOnly(benchmark::State& state) {
  const auto& rows = gaussian_rows();
  auto functions = make_hash_functions(amazon_config(), kDim);
  std::vector<std::uint32_t> keys(kRows * 50);
  for (auto _ : state) {
    tbb::parallel_for(tbb::blocked_range<std::size_t>(0, kRows, 256), [&](const auto& r) {
      functions->hash_rows(rows.data() + r.begin() * kDim, kDim, r.size(), keys.data() + r.begin(),
                           kRows);
    });
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kRows));
}
BENCHMARK(BM_HashRowsOnly)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime()
    ->MeasureProcessCPUTime()
    ->Iterations(3);

void BM_Query(benchmark::State& state) {
  const LshTables& tables = amazon_tables();
  QueryScratch scratch(kRows);
  std::vector<std::vector<float>> queries(256, std::vector<float>(kDim));
  Rng rng(5);
  for (auto& q : queries)
    for (float& v : q) v = std::max(0.0F, static_cast<float>(rng.normal()));  // ReLU-like
  std::vector<std::uint32_t> keys(tables.num_tables());
  std::size_t i = 0, candidates = 0;
  for (auto _ : state) {
    tables.hash_dense(queries[i++ % queries.size()].data(), keys.data());
    tables.query(keys.data(), scratch);
    candidates += scratch.size();
    benchmark::DoNotOptimize(scratch.candidates().data());
  }
  state.counters["candidates"] =
      static_cast<double>(candidates) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_Query)->Unit(benchmark::kMicrosecond);

void BM_HashQueryOnly(benchmark::State& state) {
  const LshTables& tables = amazon_tables();
  std::vector<float> q(kDim);
  Rng rng(5);
  for (float& v : q) v = static_cast<float>(rng.normal());
  std::vector<std::uint32_t> keys(tables.num_tables());
  for (auto _ : state) {
    tables.hash_dense(q.data(), keys.data());
    benchmark::DoNotOptimize(keys.data());
  }
}
BENCHMARK(BM_HashQueryOnly)->Unit(benchmark::kMicrosecond);

// Hashing one dense 128-float vector (ReLU-like: half zeros) into L keys, per family:
// 0 SimHash sparse +-1 (K 6), 1 SimHash Gaussian (K 6), 2 WTA, 3 DWTA, 4 MinHash; K = 6, L = 50.
void BM_HashOneVector(benchmark::State& state) {
  LshConfig config = amazon_config();
  const HashFamily families[] = {HashFamily::simhash, HashFamily::simhash, HashFamily::wta,
                                 HashFamily::dwta, HashFamily::minhash};
  config.family = families[state.range(0)];
  config.projection =
      state.range(0) == 1 ? SimHashProjection::gaussian : SimHashProjection::sparse_sign;
  const auto functions = make_hash_functions(config, kDim);
  std::vector<float> q(kDim);
  Rng rng(5);
  for (float& v : q) v = std::max(0.0F, static_cast<float>(rng.normal()));
  std::vector<std::uint32_t> keys(config.l);
  for (auto _ : state) {
    functions->hash_dense(q.data(), keys.data());
    benchmark::DoNotOptimize(keys.data());
  }
  state.SetLabel(std::string(family_name(config.family)) +
                 (state.range(0) == 1 ? "-gaussian" : ""));
}
BENCHMARK(BM_HashOneVector)->DenseRange(0, 4)->Unit(benchmark::kMicrosecond);

void BM_QueryFullBuckets(benchmark::State& state) {
  static LshTables tables = [] {
    LshTables t(amazon_config(), kDim);
    t.rehash(clustered_rows().data(), kDim, kRows, kDim);
    return t;
  }();
  QueryScratch scratch(kRows);
  const auto& rows = clustered_rows();
  std::vector<std::uint32_t> keys(tables.num_tables());
  std::size_t i = 0, candidates = 0, gathered = 0;
  for (auto _ : state) {
    tables.hash_dense(rows.data() + (i++ % 2000) * kDim, keys.data());
    tables.query(keys.data(), scratch);
    candidates += scratch.size();
    for (std::uint32_t t = 0; t < tables.num_tables(); ++t)
      gathered += tables.bucket(t, keys[t]).size();
    benchmark::DoNotOptimize(scratch.candidates().data());
  }
  state.counters["candidates"] =
      static_cast<double>(candidates) / static_cast<double>(state.iterations());
  state.counters["gathered"] =
      static_cast<double>(gathered) / static_cast<double>(state.iterations());
}
BENCHMARK(BM_QueryFullBuckets)->Unit(benchmark::kMicrosecond);

void BM_SelectBudget(benchmark::State& state) {
  const LshTables& tables = amazon_tables();
  ActiveSetConfig config;
  config.policy = ActivePolicy::budget;
  config.beta = static_cast<std::uint32_t>(state.range(0));
  ActiveSetSelector selector(config, kRows);
  QueryScratch scratch(kRows);
  std::vector<std::uint32_t> out, keys(tables.num_tables());
  std::vector<float> q(kDim);
  Rng rng(9);
  for (float& v : q) v = static_cast<float>(rng.normal());
  tables.hash_dense(q.data(), keys.data());
  const std::uint32_t labels[] = {1, 2, 3};
  std::uint64_t seed = 0;
  for (auto _ : state) {
    selector.select(labels, &tables, keys.data(), ++seed, scratch, out);
    benchmark::DoNotOptimize(out.data());
  }
}
BENCHMARK(BM_SelectBudget)->Arg(1000)->Arg(3000)->Unit(benchmark::kMicrosecond);

// ---- recall curves ----

struct FamilySetting {
  const char* label;
  LshConfig config;
  bool top_k_sets;  // MinHash: hash the set of each vector's 32 largest coordinates
};

void sparse_top(const float* x, std::size_t dim, std::size_t k, std::vector<std::uint32_t>& idx) {
  idx.resize(dim);
  for (std::uint32_t d = 0; d < dim; ++d) idx[d] = d;
  std::partial_sort(idx.begin(), idx.begin() + static_cast<std::ptrdiff_t>(k), idx.end(),
                    [&](std::uint32_t a, std::uint32_t b) { return x[a] > x[b]; });
  idx.resize(k);
}

int run_recall(std::size_t n, std::size_t n_queries) {
  using slide::lsh::testing::make_planted_data;
  const auto start = std::chrono::steady_clock::now();
  const auto data = make_planted_data(n, kDim, n_queries, 10, 0.8, 2024);
  std::printf("recall curves: n=%zu dim=%zu queries=%zu planted=10 at cosine 0.8, kernels=%s\n", n,
              kDim, n_queries, slide::simd::kernels().name);
  std::printf("%-22s %-10s %8s %10s %10s %8s\n", "family(K,L)", "policy", "param", "active",
              "scanned", "recall");
  std::vector<FamilySetting> settings;
  auto make = [](HashFamily f, std::uint32_t k, std::uint32_t l, SimHashProjection p) {
    LshConfig c;
    c.family = f;
    c.k = k;
    c.l = l;
    c.projection = p;
    c.capacity = 128;
    c.seed = 1;
    return c;
  };
  settings.push_back({"simhash-gauss(10,100)",
                      make(HashFamily::simhash, 10, 100, SimHashProjection::gaussian), false});
  settings.push_back({"simhash-sparse(10,100)",
                      make(HashFamily::simhash, 10, 100, SimHashProjection::sparse_sign), false});
  settings.push_back({"wta(4,100)", make(HashFamily::wta, 4, 100, {}), false});
  settings.push_back({"dwta(4,100)", make(HashFamily::dwta, 4, 100, {}), false});
  settings.push_back({"dwta(6,50)", make(HashFamily::dwta, 6, 50, {}), false});
  settings.push_back({"minhash-top32(3,100)", make(HashFamily::minhash, 3, 100, {}), true});

  struct PolicyRun {
    ActivePolicy policy;
    std::uint32_t param;
  };
  std::vector<PolicyRun> runs = {{ActivePolicy::union_fill, 0}};
  for (std::uint32_t b : {500U, 1000U, 2000U, 5000U, 10000U})
    runs.push_back({ActivePolicy::budget, b});
  for (std::uint32_t m : {1U, 2U, 3U, 5U}) runs.push_back({ActivePolicy::threshold, m});
  for (std::uint32_t b : {500U, 1000U, 2000U, 5000U}) runs.push_back({ActivePolicy::top_hits, b});
  for (std::uint32_t b : {1000U, 5000U}) runs.push_back({ActivePolicy::uniform, b});

  QueryScratch scratch(n);
  std::vector<std::uint32_t> out, keys, idx, row_keys;
  for (const FamilySetting& s : settings) {
    LshTables tables(s.config, kDim);
    if (!s.top_k_sets) {
      tables.rehash(data.rows.data(), kDim, n, kDim);
    } else {
      row_keys.resize(std::size_t{s.config.l} * n);
      std::vector<std::uint32_t> k(s.config.l);
      for (std::size_t i = 0; i < n; ++i) {
        sparse_top(data.rows.data() + i * kDim, kDim, 32, idx);
        tables.hash_sparse(idx.data(), nullptr, idx.size(), k.data());
        for (std::uint32_t t = 0; t < s.config.l; ++t) row_keys[t * n + i] = k[t];
      }
      tables.build_from_keys(row_keys.data(), n);
    }
    keys.resize(s.config.l);
    for (const PolicyRun& run : runs) {
      ActiveSetConfig ac;
      ac.policy = run.policy;
      ac.beta = run.policy == ActivePolicy::threshold || run.policy == ActivePolicy::union_fill
                    ? 1
                    : run.param;
      ac.min_hits = run.policy == ActivePolicy::threshold ? run.param : 1;
      ActiveSetSelector selector(ac, n);
      double found = 0, active = 0, scanned = 0;
      for (std::size_t q = 0; q < n_queries; ++q) {
        if (s.top_k_sets) {
          sparse_top(data.queries[q].data(), kDim, 32, idx);
          tables.hash_sparse(idx.data(), nullptr, idx.size(), keys.data());
        } else {
          tables.hash_dense(data.queries[q].data(), keys.data());
        }
        const SelectStats st = selector.select({}, &tables, keys.data(), q, scratch, out);
        active += static_cast<double>(out.size());
        scanned += static_cast<double>(st.ids_scanned);
        for (std::uint32_t id : data.planted[q])
          found += std::find(out.begin(), out.end(), id) != out.end();
      }
      std::printf("%-22s %-10s %8u %10.0f %10.0f %8.3f\n", s.label, active_policy_name(run.policy),
                  run.param, active / n_queries, scanned / n_queries, found / (10.0 * n_queries));
    }
  }
  // The oracle, once: it does not depend on the family.
  {
    ActiveSetConfig ac;
    ac.policy = ActivePolicy::exact;
    ac.beta = 10;
    ActiveSetSelector selector(ac, n);
    selector.set_rows(data.rows.data(), kDim, kDim);
    double found = 0;
    for (std::size_t q = 0; q < n_queries; ++q) {
      selector.select({}, nullptr, nullptr, q, scratch, out, data.queries[q].data());
      for (std::uint32_t id : data.planted[q])
        found += std::find(out.begin(), out.end(), id) != out.end();
    }
    std::printf("%-22s %-10s %8u %10u %10zu %8.3f\n", "-", "exact", 10U, 10U, n,
                found / (10.0 * n_queries));
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("(%.1f s)\n", seconds);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  bool recall = false;
  std::size_t n = 100000, queries = 200;
  std::vector<char*> rest;
  for (int i = 0; i < argc; ++i) {
    if (std::strcmp(argv[i], "--recall") == 0)
      recall = true;
    else if (std::strcmp(argv[i], "--n") == 0 && i + 1 < argc)
      n = std::stoul(argv[++i]);
    else if (std::strcmp(argv[i], "--queries") == 0 && i + 1 < argc)
      queries = std::stoul(argv[++i]);
    else
      rest.push_back(argv[i]);
  }
  if (recall) return run_recall(n, queries);
  int rest_argc = static_cast<int>(rest.size());
  benchmark::Initialize(&rest_argc, rest.data());
  if (benchmark::ReportUnrecognizedArguments(rest_argc, rest.data())) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
