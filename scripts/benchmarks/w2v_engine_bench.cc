// word2vec's inner loop two ways on the same corpus: slide-w2v's specialised trainer
// (slide/w2v/trainer.h) and the general engine (nn::Trainer::train_batch on a network
// vocabulary -> dim (identity, no bias) -> vocabulary, SGD, binary logistic loss over the target
// and unigram^0.75 negatives). Both read the corpus through w2v::CorpusBlocks and subsample,
// shrink the window and draw negatives as word2vec does; the engine path turns each block into
// a batch of sparse examples (skip-gram: one (context, centre) pair per row; CBOW: the context
// ids with value 1/n) and trains them batch by batch. Prints words/s of each: known words read
// (word2vec's count) over the wall time of the training, and for the engine also the time in
// train_batch alone (the example building is single-threaded and not overlapped).
//
//   w2v_engine_bench --corpus=text8like.txt [--model=skipgram|cbow] [--dim=100] [--threads=2]
//                    [--path=both|specialised|engine] [--batch=256] [--epochs=1]
//                    [--window=5] [--negative=5] [--sample=1e-3] [--min-count=5]
//                    [--vectors=PREFIX (writes PREFIX-specialised.txt, PREFIX-engine.txt)]
//
// Plain program (not Google Benchmark): one long measurement per path is what is wanted.

#include <oneapi/tbb/global_control.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "slide/core/csr_matrix.h"
#include "slide/core/random.h"
#include "slide/nn/network.h"
#include "slide/nn/neuron_selector.h"
#include "slide/nn/trainer.h"
#include "slide/simd/dispatch.h"
#include "slide/text/unigram_table.h"
#include "slide/text/vocabulary.h"
#include "slide/w2v/corpus_blocks.h"
#include "slide/w2v/negative_sampling.h"
#include "slide/w2v/trainer.h"
#include "slide/w2v/vectors_io.h"

namespace {

using namespace slide;
using Clock = std::chrono::steady_clock;

std::map<std::string, std::string> parse(int argc, char** argv) {
  std::map<std::string, std::string> args;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a.rfind("--", 0) != 0) continue;
    const auto eq = a.find('=');
    args[a.substr(2, eq == std::string::npos ? std::string::npos : eq - 2)] =
        eq == std::string::npos ? "1" : a.substr(eq + 1);
  }
  return args;
}

std::string get(const std::map<std::string, std::string>& a, const std::string& k,
                const std::string& fallback) {
  const auto it = a.find(k);
  return it == a.end() ? fallback : it->second;
}

double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         1e-6 * static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
}

// word2vec's negatives for the engine: unigram^0.75 draws, never "</s>" (w2v::draw_negative).
// Unlike word2vec, a draw that repeats a row already active is dropped (the engine's active sets
// hold distinct ids).
class UnigramSelector final : public nn::NeuronSelector {
 public:
  UnigramSelector(const text::Vocabulary& vocabulary, std::uint32_t negatives)
      : NeuronSelector(static_cast<std::uint32_t>(vocabulary.size())),
        sampler_(vocabulary.counts(), 0.75),
        negatives_(negatives) {}
  std::size_t max_selected() const override { return negatives_; }

 protected:
  void select_more(std::span<const float> /*hidden*/, Rng& rng, nn::SelectorScratch& scratch,
                   std::vector<std::uint32_t>& out) const override {
    for (std::uint32_t d = 0; d < negatives_; ++d) {
      const std::uint32_t id = w2v::draw_negative(sampler_, rng.next_u64(), output_dim());
      if (scratch.mark(id)) out.push_back(id);
    }
  }

 private:
  text::UnigramSampler sampler_;
  std::uint32_t negatives_;
};

struct Result {
  std::uint64_t words = 0;
  double seconds = 0, cpu = 0, train_seconds = 0;
  std::uint64_t examples = 0;  // the engine's rows; the specialised path: words kept
};

Result run_specialised(const text::Vocabulary& vocabulary, const std::string& corpus,
                       const w2v::TrainerOptions& options, const std::string& vectors) {
  const double cpu0 = cpu_seconds();
  w2v::TrainStats stats;
  const w2v::TrainedVectors trained =
      w2v::train_word_vectors_file(vocabulary, corpus, options, {}, &stats);
  if (!vectors.empty()) {
    w2v::write_vectors_file(vectors, vocabulary.words(), trained.input.data(), trained.dim,
                            trained.stride, w2v::VectorFormat::word2vec_text);
  }
  return {stats.words, stats.seconds, cpu_seconds() - cpu0, stats.seconds, stats.trained};
}

// One block's examples, with word2vec's subsampling and window draws.
void block_examples(const w2v::Block& block, const std::vector<float>& keep,
                    const w2v::TrainerOptions& o, bool cbow, SparseDataset& out) {
  Rng rng(o.seed, 0xB10Cu, block.index);
  std::vector<std::uint32_t> sentence, context;
  std::vector<float> values;
  std::uint32_t begin = 0;
  for (const std::uint32_t end : block.sentence_ends) {
    sentence.clear();
    for (std::uint32_t i = begin; i < end; ++i) {
      const std::uint32_t w = block.ids[i];
      if (o.sample > 0 && !text::keep_word(keep[w], static_cast<std::uint32_t>(rng.next_u64()))) {
        continue;
      }
      sentence.push_back(w);
    }
    begin = end;
    const std::size_t n = sentence.size();
    for (std::size_t pos = 0; pos < n; ++pos) {
      const std::size_t reach = o.window - rng.uniform(static_cast<std::uint32_t>(o.window));
      const std::size_t lo = pos >= reach ? pos - reach : 0, hi = std::min(n - 1, pos + reach);
      const std::uint32_t label[1] = {sentence[pos]};
      if (!cbow) {
        for (std::size_t c = lo; c <= hi; ++c) {
          if (c == pos) continue;
          const std::uint32_t x[1] = {sentence[c]};
          out.features.append_row(x);
          out.labels.append_row(label);
        }
        continue;
      }
      // CBOW: the mean of the context vectors is the input row (a repeated word adds up).
      context.clear();
      for (std::size_t c = lo; c <= hi; ++c) {
        if (c != pos) context.push_back(sentence[c]);
      }
      if (context.empty()) continue;
      const float share = 1.0f / static_cast<float>(context.size());
      std::sort(context.begin(), context.end());
      values.clear();
      std::size_t distinct = 0;
      for (std::size_t i = 0; i < context.size(); ++i) {
        if (i > 0 && context[i] == context[distinct - 1]) {
          values[distinct - 1] += share;
        } else {
          context[distinct++] = context[i];
          values.push_back(share);
        }
      }
      context.resize(distinct);
      out.features.append_row(context, values);
      out.labels.append_row(label);
    }
  }
}

Result run_engine(const text::Vocabulary& vocabulary, const std::string& corpus,
                  const w2v::TrainerOptions& o, int threads, std::size_t batch,
                  const std::string& vectors) {
  const auto v = static_cast<std::uint32_t>(vocabulary.size());
  const bool cbow = o.architecture == w2v::Architecture::cbow;
  nn::NetworkConfig nc;
  nc.input_dim = v;
  nc.hidden_dims = {static_cast<std::uint32_t>(o.dim)};
  nc.output_dim = v;
  nc.hidden_activation = nn::Activation::identity;
  nc.hidden_bias = false;
  nc.output_bias = false;
  nc.hidden_init = {nn::Init::Kind::uniform, 0.5f / static_cast<float>(o.dim)};
  nc.output_init = {nn::Init::Kind::zeros, 0.0f};
  nc.seed = o.seed;
  nn::Network net(nc);
  UnigramSelector negatives(vocabulary, static_cast<std::uint32_t>(o.negative));
  nn::TrainerConfig tc;
  tc.optimizer = nn::OptimizerKind::sgd;
  tc.loss = nn::LossKind::binary_logistic;
  tc.learning_rate = static_cast<float>(o.effective_alpha());
  tc.batch_size = batch;
  tc.threads = threads;
  tc.seed = o.seed;
  // The rate decays over about the examples of the run: window + 1 per word for skip-gram
  // (the mean of 2 x the shrunk window), one per word for CBOW.
  tc.decay_examples =
      o.epochs * vocabulary.total_count() * (cbow ? 1 : static_cast<std::uint64_t>(o.window) + 1);
  nn::Trainer trainer(net, negatives, tc);
  const std::vector<float> keep = vocabulary.keep_probabilities(o.sample);

  const double cpu0 = cpu_seconds();
  const auto t0 = Clock::now();
  Result r;
  w2v::CorpusBlocks blocks(vocabulary, w2v::corpus_file_opener(corpus), o, nullptr);
  SparseDataset data{CsrMatrix(v), CsrMatrix(v, true)};
  std::vector<std::uint64_t> rows;
  while (!blocks.done()) {
    const std::shared_ptr<w2v::Block> block = blocks.next();
    if (!block) continue;
    data.features.clear();
    data.labels.clear();
    block_examples(*block, keep, o, cbow, data);
    const auto t1 = Clock::now();
    for (std::size_t start = 0; start < data.features.rows(); start += batch) {
      rows.clear();
      for (std::size_t i = start; i < std::min(data.features.rows(), start + batch); ++i) {
        rows.push_back(i);
      }
      r.examples += trainer.train_batch(data, rows).examples;
    }
    r.train_seconds += seconds_since(t1);
  }
  r.words = blocks.words_read();
  r.seconds = seconds_since(t0);
  r.cpu = cpu_seconds() - cpu0;
  if (!vectors.empty()) {
    const auto& w = net.parameters().input_weights;
    w2v::write_vectors_file(vectors, vocabulary.words(), w.data(), o.dim, w.stride(),
                            w2v::VectorFormat::word2vec_text);
  }
  return r;
}

double load_average() {
  double load = 0;
  if (std::FILE* f = std::fopen("/proc/loadavg", "r")) {
    if (std::fscanf(f, "%lf", &load) != 1) load = 0;
    std::fclose(f);
  }
  return load;
}

}  // namespace

int main(int argc, char** argv) {
  const auto args = parse(argc, argv);
  const std::string corpus = get(args, "corpus", "");
  if (corpus.empty()) {
    std::fprintf(stderr, "w2v_engine_bench: give --corpus=FILE (e.g. the Text8-like corpus)\n");
    return 2;
  }
  const std::string path = get(args, "path", "both");
  const int threads = std::stoi(get(args, "threads", "2"));
  const std::size_t batch = std::stoul(get(args, "batch", "256"));
  const std::string vectors = get(args, "vectors", "");
  w2v::TrainerOptions o;
  o.architecture = w2v::parse_architecture(get(args, "model", "skipgram"));
  o.loss = w2v::OutputLoss::negative_sampling;
  o.dim = std::stoul(get(args, "dim", "100"));
  o.window = std::stoul(get(args, "window", "5"));
  o.negative = std::stoul(get(args, "negative", "5"));
  o.sample = std::stod(get(args, "sample", "1e-3"));
  o.epochs = std::stoul(get(args, "epochs", "1"));
  o.seed = 1;
  w2v::validate(o);
  oneapi::tbb::global_control parallelism(oneapi::tbb::global_control::max_allowed_parallelism,
                                          static_cast<std::size_t>(threads));

  text::VocabularyOptions vocab_options;
  vocab_options.min_count = std::stoul(get(args, "min-count", "5"));
  const text::Vocabulary vocabulary = text::learn_vocabulary_file(corpus, vocab_options);
  std::printf(
      "w2v_engine_bench %s: %zu words in the vocabulary, %llu in the corpus; %s, dim %zu, "
      "window %zu, negative %zu, sample %g, %zu epoch(s), %d threads, kernels %s\n",
      corpus.c_str(), vocabulary.size(), static_cast<unsigned long long>(vocabulary.total_count()),
      w2v::architecture_name(o.architecture), o.dim, o.window, o.negative, o.sample, o.epochs,
      threads, simd::kernel_set_name(simd::active_kernel_set()));
  auto report = [](const char* name, const Result& r, double load) {
    std::printf(
        "%-11s %llu words in %.2f s (%.2f CPU s; %.2f s training) = %.0f words/s "
        "(%.0f in training alone); %llu examples or kept words; load average %.2f before\n",
        name, static_cast<unsigned long long>(r.words), r.seconds, r.cpu, r.train_seconds,
        static_cast<double>(r.words) / r.seconds, static_cast<double>(r.words) / r.train_seconds,
        static_cast<unsigned long long>(r.examples), load);
    std::fflush(stdout);
  };
  if (path == "both" || path == "specialised") {
    const double load = load_average();
    report(
        "specialised",
        run_specialised(vocabulary, corpus, o, vectors.empty() ? "" : vectors + "-specialised.txt"),
        load);
  }
  if (path == "both" || path == "engine") {
    const double load = load_average();
    report("engine",
           run_engine(vocabulary, corpus, o, threads, batch,
                      vectors.empty() ? "" : vectors + "-engine.txt"),
           load);
  }
  return 0;
}
