// Parse speed of the XC readers and the prediction writer.
//   build/scripts/benchmarks/xc_parse_bench
// Reads delicious_train.txt (2.3 MB) and bibtex_train.txt (2.2 MB) from corpora/ (decompressed into
// memory first), or the files named by SLIDE_XC_BENCH_DELICIOUS / SLIDE_XC_BENCH_BIBTEX.

#include <benchmark/benchmark.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "slide/io/byte_source.h"
#include "slide/io/input.h"
#include "slide/io/line_reader.h"
#include "slide/xc/dataset_reader.h"
#include "slide/xc/metrics.h"
#include "slide/xc/predictions_io.h"

namespace {

std::filesystem::path data_file(const char* env, const char* relative) {
  if (const char* path = std::getenv(env)) return path;
  return std::filesystem::path(SLIDE_SOURCE_DIR) / "corpora" / relative;
}

// The whole (decompressed) file, or "" when it cannot be read (the benchmark then says so).
std::string slurp(const std::filesystem::path& path) {
  try {
    const auto in = slide::io::open_input(path.string());
    std::string text;
    std::vector<char> block(1 << 20);
    while (const std::size_t n = in->read(block.data(), block.size())) text.append(block.data(), n);
    return text;
  } catch (const std::exception&) {
    return {};
  }
}

const std::string& delicious() {
  static const std::string text =
      slurp(data_file("SLIDE_XC_BENCH_DELICIOUS", "delicious/delicious_train.txt.zst"));
  return text;
}

const std::string& bibtex() {
  static const std::string text =
      slurp(data_file("SLIDE_XC_BENCH_BIBTEX", "bibtex/bibtex_train.txt.zst"));
  return text;
}

void parse_from_memory(benchmark::State& state, const std::string& text) {
  if (text.empty()) {
    state.SkipWithError("data file not found");
    return;
  }
  for (auto _ : state) {
    slide::io::LineReader in(slide::io::memory_source(text, "bench"));
    auto result = slide::xc::read_xc(in);
    benchmark::DoNotOptimize(result.data.feature_nnz());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}

void BM_ReadXcDeliciousMemory(benchmark::State& state) {
  parse_from_memory(state, delicious());
}
void BM_ReadXcBibtexMemory(benchmark::State& state) {
  parse_from_memory(state, bibtex());
}

// Through a line reader over an istringstream: adds the block reads of a stream.
void BM_ReadXcDeliciousStream(benchmark::State& state) {
  const std::string& text = delicious();
  if (text.empty()) {
    state.SkipWithError("data file not found");
    return;
  }
  for (auto _ : state) {
    std::istringstream stream(text);
    slide::io::LineReader in(slide::io::istream_source(stream, "bench"));
    auto result = slide::xc::read_xc(in);
    benchmark::DoNotOptimize(result.data.feature_nnz());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}

// From the shipped zstd file through slide/io (decompression included); MB/s of decompressed text.
void BM_ReadXcDeliciousZstdFile(benchmark::State& state) {
  const std::filesystem::path path =
      std::filesystem::path(SLIDE_SOURCE_DIR) / "corpora/delicious/delicious_train.txt.zst";
  const std::size_t bytes = delicious().size();
  if (!std::filesystem::exists(path) || bytes == 0) {
    state.SkipWithError("data file not found");
    return;
  }
  for (auto _ : state) {
    auto result = slide::xc::read_xc_file(path.string());
    benchmark::DoNotOptimize(result.data.feature_nnz());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
}

// 10,000 rows of top-5 predictions formatted into a string stream.
void BM_WritePredictions(benchmark::State& state) {
  std::vector<slide::xc::Prediction> row{
      {12345, 0.93f}, {77, 0.5123f}, {9, 0.25f}, {670000, 0.125f}, {3, 1e-3f}};
  std::size_t bytes = 0;
  for (auto _ : state) {
    std::ostringstream out;
    slide::xc::PredictionWriter writer(out, "bench");
    for (int i = 0; i < 10000; ++i) writer.write_row(row);
    writer.finish();
    bytes = out.str().size();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * 10000));
}

// Metrics accumulation, k = 5 with propensities, over Delicious-like rows (19 true labels).
void BM_MetricsAdd(benchmark::State& state) {
  std::vector<std::uint64_t> counts(983, 10);
  const slide::xc::Propensity q(counts, 12920);
  std::vector<std::uint32_t> truth;
  for (std::uint32_t l = 0; l < 19; ++l) truth.push_back(l * 50);
  const std::vector<std::uint32_t> ranked{50, 7, 100, 9, 950};
  slide::xc::MetricsAccumulator acc(5, &q);
  for (auto _ : state) acc.add(truth, ranked);
  benchmark::DoNotOptimize(acc.points());
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()));
}

// Baselines in the same run. Lines only: the cost of the line reader splitting lines alone.
void BM_BaselineLinesOnly(benchmark::State& state) {
  const std::string& text = delicious();
  for (auto _ : state) {
    slide::io::LineReader in(slide::io::memory_source(text, "bench"));
    std::string_view line;
    std::size_t n = 0;
    while (in.next(line)) n += line.size();
    benchmark::DoNotOptimize(n);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}

// The usual iostream reader: std::getline, then operator>> per token and std::stoul/std::stof
// (no checks, no sorting): what "parse fast" is compared with.
void BM_BaselineIostream(benchmark::State& state) {
  const std::string& text = delicious();
  for (auto _ : state) {
    std::istringstream in(text);
    std::string line;
    std::getline(in, line);  // header
    std::vector<std::uint32_t> ids;
    std::vector<float> values;
    std::vector<std::uint32_t> labels;
    while (std::getline(in, line)) {
      std::istringstream tokens(line);
      std::string token;
      bool first = line.empty() || line[0] != ' ';
      while (tokens >> token) {
        if (first) {
          first = false;
          std::size_t start = 0;
          for (std::size_t comma; (comma = token.find(',', start)) != std::string::npos;
               start = comma + 1)
            labels.push_back(
                static_cast<std::uint32_t>(std::stoul(token.substr(start, comma - start))));
          labels.push_back(static_cast<std::uint32_t>(std::stoul(token.substr(start))));
          continue;
        }
        const std::size_t colon = token.find(':');
        ids.push_back(static_cast<std::uint32_t>(std::stoul(token.substr(0, colon))));
        values.push_back(std::stof(token.substr(colon + 1)));
      }
    }
    benchmark::DoNotOptimize(ids.size() + labels.size() + values.size());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * text.size()));
}

BENCHMARK(BM_ReadXcDeliciousMemory)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ReadXcBibtexMemory)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ReadXcDeliciousStream)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_ReadXcDeliciousZstdFile)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_WritePredictions)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_MetricsAdd);
BENCHMARK(BM_BaselineLinesOnly)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_BaselineIostream)->Unit(benchmark::kMillisecond);

}  // namespace

BENCHMARK_MAIN();
