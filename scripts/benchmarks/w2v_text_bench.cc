// Throughput of the text and vector-file code of slide-w2v: float formatting (std::to_chars vs
// snprintf, same output), vector writers and readers, tokenising and vocabulary counting, and the
// analogy evaluation. Synthetic data, fixed seeds.
//   build/scripts/benchmarks/w2v_text_bench --benchmark_min_time=0.5

#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdio>
#include <random>
#include <sstream>
#include <string>

#include "slide/text/chunk_reader.h"
#include "slide/text/tokenizer.h"
#include "slide/text/vocabulary.h"
#include "slide/w2v/analogy.h"
#include "slide/w2v/vectors_io.h"

namespace {

using namespace slide;

std::vector<float> random_floats(std::size_t n) {
  std::mt19937 rng(1);
  std::normal_distribution<float> normal(0.0f, 0.3f);
  std::vector<float> v(n);
  for (auto& x : v) x = normal(rng);
  return v;
}

void BM_FormatFixed6ToChars(benchmark::State& state) {
  const auto values = random_floats(1 << 16);
  char buf[64];
  for (auto _ : state) {
    for (float x : values) benchmark::DoNotOptimize(w2v::format_fixed6(buf, x));
  }
  state.SetItemsProcessed(state.iterations() * values.size());
}
BENCHMARK(BM_FormatFixed6ToChars);

void BM_FormatFixed6Snprintf(benchmark::State& state) {
  const auto values = random_floats(1 << 16);
  char buf[64];
  for (auto _ : state) {
    for (float x : values) {
      benchmark::DoNotOptimize(std::snprintf(buf, sizeof buf, "%lf", static_cast<double>(x)));
    }
  }
  state.SetItemsProcessed(state.iterations() * values.size());
}
BENCHMARK(BM_FormatFixed6Snprintf);

w2v::WordVectors random_vectors(std::size_t n, std::size_t dim) {
  w2v::WordVectors v;
  v.dim = dim;
  for (std::size_t i = 0; i < n; ++i)
    v.words.push_back(std::string("word").append(std::to_string(i)));
  v.values = random_floats(n * dim);
  return v;
}

void BM_WriteVectors(benchmark::State& state) {
  const auto format = static_cast<w2v::VectorFormat>(state.range(0));
  const auto v = random_vectors(10000, 100);
  std::size_t bytes = 0;
  for (auto _ : state) {
    std::ostringstream out;
    w2v::write_vectors(v, format, out, "bench");
    bytes = out.str().size();
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
  state.SetLabel(w2v::vector_format_name(format));
}
BENCHMARK(BM_WriteVectors)->Arg(0)->Arg(1)->Arg(2)->Unit(benchmark::kMillisecond);

void BM_ReadVectors(benchmark::State& state) {
  const auto format = static_cast<w2v::VectorFormat>(state.range(0));
  std::ostringstream out;
  w2v::write_vectors(random_vectors(10000, 100), format, out, "bench");
  const std::string bytes = out.str();
  for (auto _ : state) {
    std::istringstream in(bytes);
    benchmark::DoNotOptimize(w2v::read_vectors(io::istream_source(in, "bench")));
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes.size()));
  state.SetLabel(w2v::vector_format_name(format));
}
BENCHMARK(BM_ReadVectors)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond);

std::string zipf_corpus(std::size_t words) {
  std::mt19937 rng(3);
  std::string text;
  for (std::size_t i = 0; i < words; ++i) {
    const double u = std::uniform_real_distribution<double>(0, 1)(rng);
    text += 'w';
    text += std::to_string(static_cast<unsigned>(std::pow(50000.0, u)));
    text += (i % 1000 == 999) ? '\n' : ' ';
  }
  return text;
}

void BM_LearnVocabulary(benchmark::State& state) {
  const std::string corpus = zipf_corpus(2'000'000);
  for (auto _ : state) {
    std::istringstream in(corpus);
    benchmark::DoNotOptimize(
        text::learn_vocabulary(io::istream_source(in, "bench"), {.min_count = 5, .max_size = 0}));
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * corpus.size()));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * 2'000'000));
}
BENCHMARK(BM_LearnVocabulary)->Unit(benchmark::kMillisecond);

void BM_TokenizeAndLookUp(benchmark::State& state) {
  const std::string corpus = zipf_corpus(2'000'000);
  std::istringstream in(corpus);
  const auto vocab =
      text::learn_vocabulary(io::istream_source(in, "bench"), {.min_count = 5, .max_size = 0});
  for (auto _ : state) {
    std::uint64_t known = 0;
    text::for_each_token(
        corpus, [&](std::string_view w) { known += vocab.find(w) != text::Vocabulary::kNotFound; });
    benchmark::DoNotOptimize(known);
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * corpus.size()));
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * 2'000'000));
}
BENCHMARK(BM_TokenizeAndLookUp)->Unit(benchmark::kMillisecond);

void BM_Analogy(benchmark::State& state) {
  // 30000 x 200 vectors (compute-accuracy's usual restriction), 1000 questions.
  const auto v = random_vectors(30000, 200);
  w2v::AnalogyQuestions q;
  q.sections.push_back({"s", {}});
  std::mt19937 rng(9);
  for (int i = 0; i < 1000; ++i) {
    q.sections[0].questions.push_back({v.words[rng() % 30000], v.words[rng() % 30000],
                                       v.words[rng() % 30000], v.words[rng() % 30000]});
  }
  w2v::AnalogyOptions options;
  options.method = static_cast<w2v::AnalogyMethod>(state.range(0));
  for (auto _ : state) benchmark::DoNotOptimize(w2v::evaluate_analogies(v, q, options));
  state.SetItemsProcessed(state.iterations() * 1000);
  state.SetLabel(options.method == w2v::AnalogyMethod::add ? "3CosAdd" : "3CosMul");
}
BENCHMARK(BM_Analogy)->Arg(0)->Arg(1)->Unit(benchmark::kMillisecond)->UseRealTime();

}  // namespace

BENCHMARK_MAIN();
