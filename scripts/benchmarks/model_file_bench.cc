// Throughput of the model file container: CRC32C alone (software and SSE4.2), then writing a
// 500 MB section (CRC + write + fsync + rename), and opening it with full verification through
// mmap and through read(), with the page cache warm and with the file's pages evicted first
// (posix_fadvise DONTNEED, which works without root for clean pages).
//
//   build/scripts/benchmarks/model_file_bench [--benchmark_filter=...]
// SLIDE_BENCH_DIR picks the directory for the 500 MB file (default /tmp).

#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "slide/model/crc32c.h"
#include "slide/model/model_file.h"

namespace {

using namespace slide::model;

constexpr std::size_t kSectionBytes = std::size_t{500} << 20;

const std::vector<std::byte>& payload() {
  static const std::vector<std::byte> bytes = [] {
    std::vector<std::byte> data(kSectionBytes);
    std::uint64_t state = 0x9E3779B97F4A7C15ull;
    for (std::size_t i = 0; i + 8 <= data.size(); i += 8) {
      state ^= state << 13;
      state ^= state >> 7;
      state ^= state << 17;
      std::memcpy(data.data() + i, &state, 8);
    }
    return data;
  }();
  return bytes;
}

std::string bench_path() {
  const char* dir = std::getenv("SLIDE_BENCH_DIR");
  return std::string(dir != nullptr ? dir : "/tmp") + "/slide_model_bench_" +
         std::to_string(::getpid()) + ".slide";
}

void write_model(const std::string& path) {
  ModelWriter writer(path, kKindXc);
  ModelConfig config;
  config.set_int("dim", 128);
  writer.add_config(config);
  writer.add(Tag("WOUT"), payload());
  writer.commit();
}

void evict(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY);
  if (fd >= 0) {
    ::posix_fadvise(fd, 0, 0, POSIX_FADV_DONTNEED);
    ::close(fd);
  }
}

void BM_Crc32cSoftware(benchmark::State& state) {
  const auto& data = payload();
  for (auto _ : state) benchmark::DoNotOptimize(crc32c_software(data.data(), data.size()));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * data.size()));
}

void BM_Crc32cHardware(benchmark::State& state) {
  if (!crc32c_hardware_available()) {
    state.SkipWithError("no SSE4.2");
    return;
  }
  const auto& data = payload();
  for (auto _ : state) benchmark::DoNotOptimize(crc32c_hardware(data.data(), data.size()));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * data.size()));
}

void BM_Write500MB(benchmark::State& state) {
  const std::string path = bench_path();
  payload();
  for (auto _ : state) write_model(path);
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kSectionBytes));
  std::filesystem::remove(path);
}

template <Access kAccess, bool kCold>
void BM_OpenVerify500MB(benchmark::State& state) {
  const std::string path = bench_path();
  write_model(path);
  for (auto _ : state) {
    if (kCold) {
      state.PauseTiming();
      evict(path);
      state.ResumeTiming();
    }
    const ModelReader reader(path, {kAccess, Verify::kEager});
    benchmark::DoNotOptimize(reader.section(Tag("WOUT")).data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kSectionBytes));
  std::filesystem::remove(path);
}

// Write then open+verify, the whole cycle a checkpoint costs.
void BM_WriteThenOpenVerify500MB(benchmark::State& state) {
  const std::string path = bench_path();
  payload();
  for (auto _ : state) {
    write_model(path);
    const ModelReader reader(path);
    benchmark::DoNotOptimize(reader.section(Tag("WOUT")).data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * kSectionBytes));
  std::filesystem::remove(path);
}

BENCHMARK(BM_Crc32cSoftware)->Unit(benchmark::kMillisecond)->Iterations(3);
BENCHMARK(BM_Crc32cHardware)->Unit(benchmark::kMillisecond)->Iterations(5);
BENCHMARK(BM_Write500MB)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();
BENCHMARK(BM_OpenVerify500MB<Access::kMmap, false>)
    ->Name("BM_OpenVerify500MB/mmap/warm")
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3)
    ->UseRealTime();
BENCHMARK(BM_OpenVerify500MB<Access::kRead, false>)
    ->Name("BM_OpenVerify500MB/read/warm")
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3)
    ->UseRealTime();
BENCHMARK(BM_OpenVerify500MB<Access::kMmap, true>)
    ->Name("BM_OpenVerify500MB/mmap/evicted")
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3)
    ->UseRealTime();
BENCHMARK(BM_OpenVerify500MB<Access::kRead, true>)
    ->Name("BM_OpenVerify500MB/read/evicted")
    ->Unit(benchmark::kMillisecond)
    ->Iterations(3)
    ->UseRealTime();
BENCHMARK(BM_WriteThenOpenVerify500MB)->Unit(benchmark::kMillisecond)->Iterations(3)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
