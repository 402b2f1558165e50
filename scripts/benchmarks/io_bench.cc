// Decode throughput of slide::io::InputStream per compression format, in MB/s of decompressed
// output, one thread. Needs the files made by scripts/benchmarks/io_bench.sh (text.txt and its
// .gz/.zst/.bz2/.xz) in $SLIDE_IO_BENCH_DIR (default /tmp/slide-io-bench). Also measures Boost
// 1.74's own zstd_decompressor, which our decoder replaces because it accepts truncated frames.

#include <benchmark/benchmark.h>

#include <boost/iostreams/device/file_descriptor.hpp>
#include <boost/iostreams/filter/zstd.hpp>
#include <boost/iostreams/filtering_streambuf.hpp>
#include <cstdlib>
#include <string>
#include <vector>

#include "slide/io/input.h"
#include "slide/io/line_reader.h"

namespace {

const char* const kSuffixes[] = {"", ".gz", ".zst", ".bz2", ".xz"};

std::string data_path(int format) {
  const char* dir = std::getenv("SLIDE_IO_BENCH_DIR");
  return std::string(dir != nullptr ? dir : "/tmp/slide-io-bench") + "/text.txt" +
         kSuffixes[format];
}

void BM_Read(benchmark::State& state) {
  std::string path = data_path(static_cast<int>(state.range(0)));
  std::vector<char> buffer(1 << 20);
  std::int64_t bytes = 0;
  for (auto _ : state) {
    auto in = slide::io::open_input(path);
    while (std::size_t n = in->read(buffer.data(), buffer.size())) bytes += n;
    state.SetLabel(slide::io::compression_name(in->compression()));
  }
  state.SetBytesProcessed(bytes);
}
BENCHMARK(BM_Read)->DenseRange(0, 4)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_Lines(benchmark::State& state) {
  std::string path = data_path(static_cast<int>(state.range(0)));
  std::string_view line;
  std::int64_t bytes = 0;
  for (auto _ : state) {
    auto in = slide::io::open_input(path);
    slide::io::LineReader lines(slide::io::input_source(*in));
    while (lines.next(line)) benchmark::DoNotOptimize(line.data());
    bytes += static_cast<std::int64_t>(in->bytes_read());
    state.SetLabel(slide::io::compression_name(in->compression()));
  }
  state.SetBytesProcessed(bytes);
}
BENCHMARK(BM_Lines)->Arg(0)->Arg(2)->Unit(benchmark::kMillisecond)->Iterations(3);

void BM_BoostZstdDecompressor(benchmark::State& state) {
  namespace bio = boost::iostreams;
  std::string path = data_path(2);
  std::vector<char> buffer(1 << 20);
  std::int64_t bytes = 0;
  for (auto _ : state) {
    bio::filtering_streambuf<bio::input> chain;
    chain.push(bio::zstd_decompressor());
    chain.push(bio::file_descriptor_source(path));
    for (;;) {
      std::streamsize n = chain.sgetn(buffer.data(), static_cast<std::streamsize>(buffer.size()));
      if (n <= 0) break;
      bytes += n;
    }
  }
  state.SetBytesProcessed(bytes);
}
BENCHMARK(BM_BoostZstdDecompressor)->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace

BENCHMARK_MAIN();
