// Throughput of every kernel of every kernel set this CPU supports, side by side with the
// single-core memory bandwidth measured in the same binary.
//
//   build/scripts/benchmarks/kernels_bench --benchmark_min_time=0.1
//
// Rates are per second of CPU time (Google Benchmark's default), so time the process spent
// descheduled on a shared machine does not count; wall time is printed too.
//
// Counters: GFLOP/s (2 flops per multiply-add) for the arithmetic kernels, Gelem/s for exp,
// softmax, adam_step and the conversions, GB/s of row bytes read for dot_rows (the rows are
// picked at random from 670,091 x 128, the Amazon-670K output layer, 343 MB in float: memory
// bound, compare with read_sum below) and GB/s for the bandwidth probes.
#include <benchmark/benchmark.h>
#include <sys/mman.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "slide/simd/dispatch.h"
#include "slide/simd/kernels.h"

namespace {

using slide::simd::bf16;
using slide::simd::Kernels;
using slide::simd::KernelSet;

constexpr std::size_t kRows = 670091;
constexpr std::size_t kDim = 128;

std::vector<float> random_floats(std::size_t n, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<float> dist(-1.0f, 1.0f);
  std::vector<float> v(n);
  for (float& x : v) x = dist(rng);
  return v;
}

// The big operands are built once, on first use.
const std::vector<float>& big_rows() {
  static const std::vector<float> rows = random_floats(kRows * kDim, 1);
  return rows;
}
const std::vector<bf16>& big_rows_bf16() {
  static const std::vector<bf16> rows = [] {
    std::vector<bf16> r(kRows * kDim);
    slide::simd::kernels_for(KernelSet::scalar).f32_to_bf16(big_rows().data(), r.data(), r.size());
    return r;
  }();
  return rows;
}

void set_rate(benchmark::State& state, const char* name, double per_iteration) {
  state.counters[name] =
      benchmark::Counter(per_iteration * double(state.iterations()), benchmark::Counter::kIsRate);
}

// --- L1-resident kernels -------------------------------------------------------------------

void bm_dot(benchmark::State& state, const Kernels* k) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto a = random_floats(n, 2), b = random_floats(n, 3);
  for (auto _ : state) {
    benchmark::DoNotOptimize(k->dot(a.data(), b.data(), n));
  }
  set_rate(state, "GFLOP/s", 2e-9 * double(n));
}

void bm_dot_bf16(benchmark::State& state, const Kernels* k) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto af = random_floats(n, 2), bf = random_floats(n, 3);
  std::vector<bf16> a(n), b(n);
  k->f32_to_bf16(af.data(), a.data(), n);
  k->f32_to_bf16(bf.data(), b.data(), n);
  for (auto _ : state) benchmark::DoNotOptimize(k->dot_bf16(a.data(), b.data(), n));
  set_rate(state, "GFLOP/s", 2e-9 * double(n));
}

void bm_axpy(benchmark::State& state, const Kernels* k) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto x = random_floats(n, 2);
  auto y = random_floats(n, 3);
  for (auto _ : state) {
    k->axpy(1e-3f, x.data(), y.data(), n);
    benchmark::ClobberMemory();
  }
  set_rate(state, "GFLOP/s", 2e-9 * double(n));
}

void bm_sparse_dot(benchmark::State& state, const Kernels* k) {
  const auto nnz = static_cast<std::size_t>(state.range(0));
  const auto dense = random_floats(4096, 2), value = random_floats(nnz, 3);
  std::vector<std::uint32_t> index(nnz);
  std::mt19937_64 rng(4);
  for (auto& i : index) i = static_cast<std::uint32_t>(rng() % 4096);
  for (auto _ : state) {
    benchmark::DoNotOptimize(k->sparse_dot(index.data(), value.data(), nnz, dense.data()));
  }
  set_rate(state, "GFLOP/s", 2e-9 * double(nnz));
}

void bm_scale(benchmark::State& state, const Kernels* k) {
  const auto n = static_cast<std::size_t>(state.range(0));
  auto x = random_floats(n, 2);
  for (auto _ : state) {
    k->scale(0.999f, x.data(), n);
    benchmark::ClobberMemory();
  }
  set_rate(state, "Gelem/s", 1e-9 * double(n));
}

// Distinct random indices into a 4096-float row, as sparse_axpy requires.
void bm_sparse_axpy(benchmark::State& state, const Kernels* k) {
  const auto nnz = static_cast<std::size_t>(state.range(0));
  auto dense = random_floats(4096, 2);
  const auto value = random_floats(nnz, 3);
  std::vector<std::uint32_t> perm(4096);
  for (std::size_t i = 0; i < perm.size(); ++i) perm[i] = static_cast<std::uint32_t>(i);
  std::mt19937_64 rng(4);
  std::shuffle(perm.begin(), perm.end(), rng);
  const std::vector<std::uint32_t> index(perm.begin(), perm.begin() + static_cast<long>(nnz));
  for (auto _ : state) {
    k->sparse_axpy(1e-3f, index.data(), value.data(), nnz, dense.data());
    benchmark::ClobberMemory();
  }
  set_rate(state, "GFLOP/s", 2e-9 * double(nnz));
}

void bm_bf16_to_f32(benchmark::State& state, const Kernels* k) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto xf = random_floats(n, 2);
  std::vector<bf16> x(n);
  k->f32_to_bf16(xf.data(), x.data(), n);
  std::vector<float> y(n);
  for (auto _ : state) {
    k->bf16_to_f32(x.data(), y.data(), n);
    benchmark::ClobberMemory();
  }
  set_rate(state, "Gelem/s", 1e-9 * double(n));
}

void bm_exp(benchmark::State& state, const Kernels* k) {
  const auto n = static_cast<std::size_t>(state.range(0));
  auto x = random_floats(n, 2);
  for (float& v : x) v *= 80.0f;
  std::vector<float> y(n);
  for (auto _ : state) {
    k->exp(x.data(), y.data(), n);
    benchmark::ClobberMemory();
  }
  set_rate(state, "Gelem/s", 1e-9 * double(n));
}

void bm_softmax(benchmark::State& state, const Kernels* k) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto x0 = random_floats(n, 2);
  std::vector<float> x(n);
  for (auto _ : state) {
    std::memcpy(x.data(), x0.data(), n * sizeof(float));  // softmax is in place
    k->softmax(x.data(), n);
    benchmark::ClobberMemory();
  }
  set_rate(state, "Gelem/s", 1e-9 * double(n));
}

void bm_adam(benchmark::State& state, const Kernels* k) {
  const auto n = static_cast<std::size_t>(state.range(0));
  auto w = random_floats(n, 2), m = random_floats(n, 3), v = random_floats(n, 4);
  const auto g = random_floats(n, 5);
  for (float& x : v) x = x * x;
  const slide::simd::AdamParams params{1e-3f, 0.9f, 0.999f, 1e-8f};
  for (auto _ : state) {
    k->adam_step(w.data(), m.data(), v.data(), g.data(), n, params);
    benchmark::ClobberMemory();
  }
  set_rate(state, "Gelem/s", 1e-9 * double(n));
}

void bm_f32_to_bf16(benchmark::State& state, const Kernels* k) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const auto x = random_floats(n, 2);
  std::vector<bf16> y(n);
  for (auto _ : state) {
    k->f32_to_bf16(x.data(), y.data(), n);
    benchmark::ClobberMemory();
  }
  set_rate(state, "Gelem/s", 1e-9 * double(n));
}

// gemm_nt on L1/L2-sized operands: 64 x 128 against n x 128.
void bm_gemm_small(benchmark::State& state, const Kernels* k) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const std::size_t m = 64;
  const auto a = random_floats(m * kDim, 2), b = random_floats(n * kDim, 3);
  std::vector<float> c(m * n);
  for (auto _ : state) {
    k->gemm_nt(a.data(), kDim, b.data(), kDim, c.data(), n, m, n, kDim);
    benchmark::ClobberMemory();
  }
  set_rate(state, "GFLOP/s", 2e-9 * double(m * n * kDim));
}

// --- Memory-bound: the output layer -------------------------------------------------------

constexpr std::size_t kIdsPerCall = 1 << 16;

std::vector<std::uint32_t> random_ids() {
  std::mt19937_64 rng(7);
  std::vector<std::uint32_t> ids(kIdsPerCall);
  for (auto& i : ids) i = static_cast<std::uint32_t>(rng() % kRows);
  return ids;
}

void bm_dot_rows(benchmark::State& state, const Kernels* k) {
  const auto& rows = big_rows();
  const auto x = random_floats(kDim, 9);
  const auto ids = random_ids();
  std::vector<float> out(kIdsPerCall);
  for (auto _ : state) {
    k->dot_rows(x.data(), rows.data(), kDim, ids.data(), kIdsPerCall, kDim, out.data());
    benchmark::ClobberMemory();
  }
  set_rate(state, "GB/s", 1e-9 * double(kIdsPerCall * kDim * sizeof(float)));
  set_rate(state, "GFLOP/s", 2e-9 * double(kIdsPerCall * kDim));
}

// The same rows in memory the kernel asked to back with 2 MiB pages (madvise(MADV_HUGEPAGE);
// transparent huge pages are in "madvise" mode here): every random row otherwise costs a TLB miss.
struct Unmap {
  std::size_t bytes;
  void operator()(float* p) const { munmap(p, bytes); }
};
const float* big_rows_huge_pages() {
  static const std::unique_ptr<float, Unmap> rows = [] {
    const std::size_t bytes = kRows * kDim * sizeof(float);
    void* p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) std::abort();
    madvise(p, bytes, MADV_HUGEPAGE);
    std::memcpy(p, big_rows().data(), bytes);
    return std::unique_ptr<float, Unmap>(static_cast<float*>(p), Unmap{bytes});
  }();
  return rows.get();
}

void bm_dot_rows_huge_pages(benchmark::State& state, const Kernels* k) {
  const float* rows = big_rows_huge_pages();
  const auto x = random_floats(kDim, 9);
  const auto ids = random_ids();
  std::vector<float> out(kIdsPerCall);
  for (auto _ : state) {
    k->dot_rows(x.data(), rows, kDim, ids.data(), kIdsPerCall, kDim, out.data());
    benchmark::ClobberMemory();
  }
  set_rate(state, "GB/s", 1e-9 * double(kIdsPerCall * kDim * sizeof(float)));
  set_rate(state, "GFLOP/s", 2e-9 * double(kIdsPerCall * kDim));
}

void bm_dot_rows_bf16(benchmark::State& state, const Kernels* k) {
  const auto& rows = big_rows_bf16();
  const auto xf = random_floats(kDim, 9);
  std::vector<bf16> x(kDim);
  k->f32_to_bf16(xf.data(), x.data(), kDim);
  const auto ids = random_ids();
  std::vector<float> out(kIdsPerCall);
  for (auto _ : state) {
    k->dot_rows_bf16(x.data(), rows.data(), kDim, ids.data(), kIdsPerCall, kDim, out.data());
    benchmark::ClobberMemory();
  }
  set_rate(state, "GB/s", 1e-9 * double(kIdsPerCall * kDim * sizeof(bf16)));
  set_rate(state, "GFLOP/s", 2e-9 * double(kIdsPerCall * kDim));
}

// A batch of 256 x 128 against all 670,091 rows (exact inference). range(0) = rows of B used:
// all of them for the vector sets; the scalar set gets a slice so the run stays short.
void bm_gemm_big(benchmark::State& state, const Kernels* k) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const std::size_t m = 256;
  const auto a = random_floats(m * kDim, 2);
  const auto& b = big_rows();
  std::vector<float> c(m * n);
  for (auto _ : state) {
    k->gemm_nt(a.data(), kDim, b.data(), kDim, c.data(), n, m, n, kDim);
    benchmark::ClobberMemory();
  }
  set_rate(state, "GFLOP/s", 2e-9 * double(m * n * kDim));
}

void bm_gemm_big_bf16(benchmark::State& state, const Kernels* k) {
  const auto n = static_cast<std::size_t>(state.range(0));
  const std::size_t m = 256;
  const auto af = random_floats(m * kDim, 2);
  std::vector<bf16> a(m * kDim);
  k->f32_to_bf16(af.data(), a.data(), a.size());
  const auto& b = big_rows_bf16();
  std::vector<float> c(m * n);
  for (auto _ : state) {
    k->gemm_nt_bf16(a.data(), kDim, b.data(), kDim, c.data(), n, m, n, kDim);
    benchmark::ClobberMemory();
  }
  set_rate(state, "GFLOP/s", 2e-9 * double(m * n * kDim));
}

// --- Single-core memory bandwidth ------------------------------------------------------------

constexpr std::size_t kBandwidthBytes = std::size_t{1} << 30;

std::uint64_t* bandwidth_buffer() {
  static const std::unique_ptr<std::uint64_t[]> buffer = [] {
    std::unique_ptr<std::uint64_t[]> b(new std::uint64_t[kBandwidthBytes / 8]);
    for (std::size_t i = 0; i < kBandwidthBytes / 8; ++i) b[i] = i;
    return b;
  }();
  return buffer.get();
}

// Sum of 1 GiB of uint64 (integer, so -O3 vectorises it without fast-math): sequential read.
void bm_read_sum(benchmark::State& state) {
  const std::uint64_t* buffer = bandwidth_buffer();
  for (auto _ : state) {
    std::uint64_t s = 0;
    for (std::size_t i = 0; i < kBandwidthBytes / 8; ++i) s += buffer[i];
    benchmark::DoNotOptimize(s);
  }
  set_rate(state, "GB/s", 1e-9 * double(kBandwidthBytes));
}

// memcpy of 512 MiB into another 512 MiB: GB/s counts bytes read + written.
void bm_memcpy(benchmark::State& state) {
  char* buffer = reinterpret_cast<char*>(bandwidth_buffer());
  const std::size_t half = kBandwidthBytes / 2;
  for (auto _ : state) {
    std::memcpy(buffer + half, buffer, half);
    benchmark::ClobberMemory();
  }
  set_rate(state, "GB/s", 1e-9 * double(2 * half));
}

// The dot kernel streaming over the same 1 GiB (as float; x against itself, one read per element).
void bm_stream_dot(benchmark::State& state, const Kernels* k) {
  const float* buffer = reinterpret_cast<const float*>(bandwidth_buffer());
  const std::size_t n = kBandwidthBytes / sizeof(float);
  for (auto _ : state) benchmark::DoNotOptimize(k->dot(buffer, buffer, n));
  set_rate(state, "GB/s", 1e-9 * double(kBandwidthBytes));
}

void register_all() {
  benchmark::RegisterBenchmark("memory/read_sum_1GiB", bm_read_sum)->Unit(benchmark::kMillisecond);
  benchmark::RegisterBenchmark("memory/memcpy_512MiB", bm_memcpy)->Unit(benchmark::kMillisecond);
  for (KernelSet set : slide::simd::supported_kernel_sets()) {
    const Kernels* k = &slide::simd::kernels_for(set);
    const std::string s = slide::simd::kernel_set_name(set);
    const auto l1 = [&](const char* name, void (*fn)(benchmark::State&, const Kernels*)) {
      benchmark::RegisterBenchmark((std::string(name) + "/" + s).c_str(), fn, k)
          ->RangeMultiplier(2)
          ->Range(64, 1024);
    };
    l1("dot", bm_dot);
    l1("dot_bf16", bm_dot_bf16);
    l1("axpy", bm_axpy);
    l1("scale", bm_scale);
    l1("sparse_dot", bm_sparse_dot);
    l1("sparse_axpy", bm_sparse_axpy);
    l1("exp", bm_exp);
    l1("softmax", bm_softmax);
    l1("adam_step", bm_adam);
    l1("f32_to_bf16", bm_f32_to_bf16);
    l1("bf16_to_f32", bm_bf16_to_f32);
    benchmark::RegisterBenchmark(("gemm_nt_64x128/" + s).c_str(), bm_gemm_small, k)->Arg(256);
    benchmark::RegisterBenchmark(("memory/stream_dot_1GiB/" + s).c_str(), bm_stream_dot, k)
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(("dot_rows_670091x128/" + s).c_str(), bm_dot_rows, k)
        ->Unit(benchmark::kMillisecond);
    benchmark::RegisterBenchmark(("dot_rows_bf16_670091x128/" + s).c_str(), bm_dot_rows_bf16, k)
        ->Unit(benchmark::kMillisecond);
    if (set == slide::simd::best_kernel_set()) {
      benchmark::RegisterBenchmark(("dot_rows_670091x128_hugepages/" + s).c_str(),
                                   bm_dot_rows_huge_pages, k)
          ->Unit(benchmark::kMillisecond);
    }
    const std::int64_t n = set == KernelSet::scalar ? 16384 : std::int64_t{kRows};
    benchmark::RegisterBenchmark(("gemm_nt_256x128_vs_rows/" + s).c_str(), bm_gemm_big, k)
        ->Arg(n)
        ->Unit(benchmark::kMillisecond)
        ->Iterations(1);
    benchmark::RegisterBenchmark(("gemm_nt_bf16_256x128_vs_rows/" + s).c_str(), bm_gemm_big_bf16, k)
        ->Arg(n)
        ->Unit(benchmark::kMillisecond)
        ->Iterations(1);
  }
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  register_all();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
