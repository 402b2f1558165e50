#include "slide/w2v/trainer.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <memory>
#include <oneapi/tbb/enumerable_thread_specific.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/parallel_pipeline.h>
#include <oneapi/tbb/task_arena.h>
#include <span>
#include <string>
#include <vector>

#include "slide/core/error.h"
#include "slide/core/random.h"
#include "slide/io/input.h"
#include "slide/lsh/active_set.h"
#include "slide/lsh/lsh_tables.h"
#include "slide/lsh/query_scratch.h"
#include "slide/simd/dispatch.h"
#include "slide/simd/kernels.h"
#include "slide/text/chunk_reader.h"
#include "slide/text/io_adapters.h"
#include "slide/text/sentences.h"
#include "slide/text/unigram_table.h"

namespace slide::w2v {

Architecture parse_architecture(std::string_view name) {
  if (name == "skipgram" || name == "sg" || name == "skip-gram") return Architecture::skipgram;
  if (name == "cbow") return Architecture::cbow;
  throw UsageError("unknown model '" + std::string(name) + "' (expected skipgram or cbow)");
}

OutputLoss parse_output_loss(std::string_view name) {
  if (name == "ns") return OutputLoss::negative_sampling;
  if (name == "hs") return OutputLoss::hierarchical_softmax;
  if (name == "hs+ns" || name == "ns+hs") return OutputLoss::hs_and_ns;
  if (name == "softmax") return OutputLoss::softmax;
  if (name == "lsh") return OutputLoss::lsh_softmax;
  throw UsageError("unknown loss '" + std::string(name) +
                   "' (expected ns, hs, hs+ns, softmax or lsh)");
}

const char* architecture_name(Architecture architecture) {
  return architecture == Architecture::cbow ? "cbow" : "skipgram";
}

const char* output_loss_name(OutputLoss loss) {
  switch (loss) {
    case OutputLoss::negative_sampling: return "ns";
    case OutputLoss::hierarchical_softmax: return "hs";
    case OutputLoss::hs_and_ns: return "hs+ns";
    case OutputLoss::softmax: return "softmax";
    case OutputLoss::lsh_softmax: return "lsh";
  }
  return "?";
}

void validate(const TrainerOptions& o) {
  if (o.dim == 0 || o.dim > 100000) throw UsageError("--size must be between 1 and 100000");
  if (o.window == 0 || o.window > 1000) throw UsageError("--window must be between 1 and 1000");
  if (o.epochs == 0 || o.epochs > 100000) throw UsageError("--iter must be between 1 and 100000");
  if (!(o.sample >= 0) || o.sample >= 1) throw UsageError("--sample must be in [0, 1)");
  if (!(o.alpha >= 0) || o.alpha > 10) throw UsageError("--alpha must be in (0, 10]");
  if ((o.loss == OutputLoss::negative_sampling || o.loss == OutputLoss::hs_and_ns) &&
      (o.negative == 0 || o.negative > 1000)) {
    throw UsageError("--negative must be between 1 and 1000 with --loss ns or hs+ns");
  }
  if (o.max_sentence_length == 0) throw UsageError("the sentence length limit must be positive");
  if (o.loss == OutputLoss::lsh_softmax) {
    if (o.lsh_tables == 0 || o.lsh_tables > 1000) {
      throw UsageError("--lsh-tables must be between 1 and 1000");
    }
    if (o.lsh_bits == 0 || o.lsh_bits > 24) throw UsageError("--lsh-bits must be between 1 and 24");
    if (o.lsh_active < 2) throw UsageError("--lsh-active must be at least 2");
    if (o.lsh_rebuild_words == 0) throw UsageError("--lsh-rebuild must be positive");
  }
}

namespace {

constexpr int kExpTableSize = 1000;
constexpr float kMaxExp = 6.0f;

// word2vec's sigmoid table: sigmoid(x) for x in [-6, 6) at 1000 points.
struct SigmoidTable {
  float values[kExpTableSize + 1];  // + 1: f == 6 exactly indexes 1000, as in word2vec.c
  SigmoidTable() {
    for (int i = 0; i <= kExpTableSize; ++i) {
      const double e = std::exp((i / double(kExpTableSize) * 2 - 1) * kMaxExp);
      values[i] = static_cast<float>(e / (e + 1));
    }
  }
  float operator()(float f) const {
    return values[static_cast<int>((f + kMaxExp) * (kExpTableSize / kMaxExp / 2))];
  }
};

// word2vec's Huffman tree (CreateBinaryTree): per word, its code bits (root first) and the inner
// nodes on its path (row ids of the output matrix, < vocabulary size - 1).
struct HuffmanTree {
  std::vector<std::uint32_t> offsets;  // word i: codes/points [offsets[i], offsets[i + 1])
  std::vector<std::uint8_t> codes;
  std::vector<std::uint32_t> points;

  explicit HuffmanTree(const std::vector<std::uint64_t>& counts_in) {
    const std::size_t n = counts_in.size();
    offsets.assign(n + 1, 0);
    if (n < 2) return;
    // word2vec sorts by count descending and walks two cursors; equal here for any order since
    // we sort indices by count descending first.
    std::vector<std::uint32_t> order(n);
    for (std::uint32_t i = 0; i < n; ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
      return counts_in[a] > counts_in[b];
    });
    std::vector<std::uint64_t> count(2 * n, 0);
    for (std::size_t i = 0; i < n; ++i) count[i] = std::max<std::uint64_t>(counts_in[order[i]], 1);
    for (std::size_t i = n; i < 2 * n; ++i) count[i] = UINT64_MAX / 4;
    std::vector<std::uint32_t> parent(2 * n, 0);
    std::vector<std::uint8_t> binary(2 * n, 0);
    std::int64_t pos1 = static_cast<std::int64_t>(n) - 1;
    std::int64_t pos2 = static_cast<std::int64_t>(n);
    for (std::size_t a = 0; a + 1 < n; ++a) {
      std::int64_t min1, min2;
      for (std::int64_t* m : {&min1, &min2}) {
        if (pos1 >= 0 && count[pos1] < count[pos2]) {
          *m = pos1--;
        } else {
          *m = pos2++;
        }
      }
      count[n + a] = count[min1] + count[min2];
      parent[min1] = static_cast<std::uint32_t>(n + a);
      parent[min2] = static_cast<std::uint32_t>(n + a);
      binary[min2] = 1;
    }
    std::vector<std::vector<std::uint32_t>> word_points(n);
    std::vector<std::vector<std::uint8_t>> word_codes(n);
    const std::size_t root = 2 * n - 2;
    for (std::size_t s = 0; s < n; ++s) {
      std::size_t b = s;
      std::vector<std::uint8_t> c;
      std::vector<std::uint32_t> p;
      while (b != root) {
        c.push_back(binary[b]);
        b = parent[b];
        p.push_back(static_cast<std::uint32_t>(b - n));
      }
      std::reverse(c.begin(), c.end());
      std::reverse(p.begin(), p.end());
      word_codes[order[s]] = std::move(c);
      word_points[order[s]] = std::move(p);
    }
    for (std::size_t i = 0; i < n; ++i) {
      offsets[i + 1] = offsets[i] + static_cast<std::uint32_t>(word_codes[i].size());
      codes.insert(codes.end(), word_codes[i].begin(), word_codes[i].end());
      points.insert(points.end(), word_points[i].begin(), word_points[i].end());
    }
  }
};

std::size_t padded(std::size_t dim) { return (dim + 15) / 16 * 16; }

// One block of the pipeline: sentences of word ids, and where it sits in the stream.
struct Block {
  std::uint64_t index = 0;         // over all epochs: seeds the block's random stream
  std::uint64_t words_before = 0;  // known words read before this block, all epochs
  std::vector<std::uint32_t> ids;
  std::vector<std::uint32_t> sentence_ends;  // exclusive ends into ids
  std::vector<std::uint32_t> sentence_words;  // known words (with "</s>") up to each sentence end
};

struct Scratch {
  std::vector<float> neu1, neu1e;
  std::vector<std::uint32_t> sentence;
  std::vector<float> logits;
  std::vector<float> grads;
  std::vector<std::uint32_t> active;
  std::vector<std::uint32_t> targets;
  std::uint32_t forced[1] = {0};
  // Sum of every score (dot product) of the block: not finite once any weight it read is not,
  // which is how divergence is caught within a block at the cost of one add per score.
  double check_sum = 0;
  lsh::QueryScratch query;
};

class Trainer {
 public:
  Trainer(const text::Vocabulary& vocabulary, const TrainerOptions& options)
      : vocab_(vocabulary),
        o_(options),
        k_(simd::kernels()),
        vsize_(vocabulary.size()),
        dim_(options.dim),
        stride_(padded(options.dim)),
        alpha0_(options.effective_alpha()),
        keep_(vocabulary.keep_probabilities(options.sample)) {
    out_rows_ = vsize_;
    if (uses_hs()) {
      tree_ = std::make_unique<HuffmanTree>(vocabulary.counts());
      out_rows_ = vsize_ > 1 ? vsize_ - 1 : 1;
    }
    if (uses_ns()) {
      sampler_ = std::make_unique<text::UnigramSampler>(vocabulary.counts(), 0.75);
    }
    syn0_ = AlignedBuffer<float>(vsize_ * stride_);
    syn1_ = AlignedBuffer<float>(out_rows_ * stride_);
    // word2vec's -hs 1 -negative N: a second output layer (syn1neg) for the negative samples,
    // trained on the same hidden vector as the tree's.
    if (o_.loss == OutputLoss::hs_and_ns) syn1neg_ = AlignedBuffer<float>(vsize_ * stride_);
    // word2vec: input rows uniform in [-0.5, 0.5) / dim, output rows zero. Seeded per row.
    const std::uint64_t seed = o_.seed;
    const std::size_t dim = dim_, stride = stride_;
    auto randomize = [&](float* rows, std::size_t count, std::uint64_t stream) {
      tbb::parallel_for(tbb::blocked_range<std::size_t>(0, count, 1024),
                        [&](const tbb::blocked_range<std::size_t>& r) {
                          for (std::size_t i = r.begin(); i != r.end(); ++i) {
                            Rng rng(seed, stream, i);
                            float* row = rows + i * stride;
                            for (std::size_t d = 0; d < dim; ++d) {
                              row[d] = (rng.uniform_float() - 0.5f) / static_cast<float>(dim);
                            }
                          }
                        });
    };
    randomize(syn0_.data(), vsize_, 0x5EED0001u);
    if (o_.loss == OutputLoss::lsh_softmax && o_.lsh_negatives > 0) {
      sampler_ = std::make_unique<text::UnigramSampler>(vocabulary.counts(), 0.75);
      log_expected_.resize(vsize_);
      double z = 0;
      for (std::size_t j = 0; j < vsize_; ++j) z += std::pow(double(vocabulary.count(j)), 0.75);
      for (std::size_t j = 0; j < vsize_; ++j) {
        const double q = std::pow(double(vocabulary.count(j)), 0.75) / z;
        log_expected_[j] =
            static_cast<float>(std::log(std::max(q * double(o_.lsh_negatives), 1e-30)));
      }
    }
    if (o_.loss == OutputLoss::lsh_softmax) {
      // Output rows start random too: zero rows would all hash to one bucket, whose capacity
      // keeps the same few ids, and those would be every step's only negatives until rebuilt.
      randomize(syn1_.data(), out_rows_, 0x5EED0002u);
      lsh::LshConfig config;
      config.family = lsh::HashFamily::simhash;
      config.projection = lsh::SimHashProjection::gaussian;
      config.k = static_cast<std::uint32_t>(o_.lsh_bits);
      config.l = static_cast<std::uint32_t>(o_.lsh_tables);
      config.capacity = 128;
      // FIFO would keep the highest ids of a full bucket: always the rarest words.
      config.replacement = lsh::Replacement::reservoir;
      config.seed = mix_seed(o_.seed, {0x15A0u});
      config.validate(dim_);
      lsh_config_ = config;
      lsh::ActiveSetConfig active;
      active.policy = lsh::ActivePolicy::budget;
      active.beta = static_cast<std::uint32_t>(std::min<std::size_t>(o_.lsh_active, vsize_));
      selector_ = std::make_unique<lsh::ActiveSetSelector>(active, vsize_);
      rebuild_tables(0);
    }
  }

  TrainOutcome run(const CorpusOpener& open, const TrainControl& control,
                   const TrainProgressCallback& progress, TrainStats* stats) {
    const auto start = std::chrono::steady_clock::now();
    const std::uint64_t total = static_cast<std::uint64_t>(o_.epochs) * vocab_.total_count();
    total_ = total;
    std::size_t epoch = 0;
    std::unique_ptr<text::ChunkReader> reader;
    std::string input_name;
    std::string chunk;
    std::vector<std::uint32_t> sentence_scratch;
    std::uint64_t words_read = 0, epoch_words = 0, block_index = 0;
    std::uint64_t last_rebuild = 0, rebuild_generation = 0;
    std::uint64_t epoch_chunks = 0, epoch_bytes = 0;
    // A resumed run skips the chunks already trained of its epoch (the same chunks: the reader
    // cuts a file the same way every time) and checks their size against the checkpoint's.
    std::uint64_t skip_chunks = 0, skip_bytes = 0;
    std::atomic<std::uint64_t> trained{0};
    bool stopped = false;
    if (control.resume) {
      TrainState& r = *control.resume;
      if (r.dim != dim_ || r.stride != stride_ || r.output_rows != out_rows_ ||
          r.syn0.size() != syn0_.size() || r.syn1.size() != syn1_.size() ||
          r.syn1neg.size() != syn1neg_.size()) {
        throw UsageError("the checkpoint's matrices do not fit these options and vocabulary");
      }
      syn0_ = std::move(r.syn0);
      syn1_ = std::move(r.syn1);
      syn1neg_ = std::move(r.syn1neg);
      const TrainPosition& p = r.position;
      epoch = static_cast<std::size_t>(p.epoch);
      words_read = p.words_read;
      block_index = p.block_index;
      last_rebuild = p.last_rebuild;
      rebuild_generation = p.rebuild_generation;
      trained = p.trained;
      skip_chunks = p.chunks;
      skip_bytes = p.bytes;
      epoch_words = p.epoch_words;
      if (o_.loss == OutputLoss::lsh_softmax) rebuild_tables(rebuild_generation);
    }

    std::size_t in_flight = o_.blocks_in_flight;
    if (in_flight == 0) {
      in_flight = 2 * static_cast<std::size_t>(std::max(1, tbb::this_task_arena::max_concurrency()));
    }

    auto read_block = [&](tbb::flow_control& fc) -> std::shared_ptr<Block> {
      for (;;) {
        if ((control.stop && control.stop()) ||
            (control.stop_after_words && words_read >= control.stop_after_words)) {
          stopped = epoch < o_.epochs;
          fc.stop();
          return nullptr;
        }
        if (!reader) {
          if (epoch >= o_.epochs) {
            fc.stop();
            return nullptr;
          }
          text::ByteSource source = open(epoch);
          input_name = source.name;
          reader = std::make_unique<text::ChunkReader>(
              std::move(source), std::max(o_.block_bytes, text::ChunkReader::kMinChunkBytes));
          epoch_chunks = 0;
          epoch_bytes = 0;
          if (skip_chunks == 0) epoch_words = 0;
          for (; skip_chunks > 0; --skip_chunks) {
            if (!reader->next(chunk)) break;
            ++epoch_chunks;
            epoch_bytes += chunk.size();
          }
          if (skip_chunks != 0 || epoch_bytes != skip_bytes) {
            throw DataError(input_name, 0,
                            "the corpus the checkpoint was made on (its first " +
                                std::to_string(skip_bytes) + " bytes cut into the same chunks)");
          }
          skip_bytes = 0;
        }
        if (!reader->next(chunk)) {
          if (epoch_words == 0) {
            throw DataError(input_name, 0, "a corpus with at least one word of the vocabulary");
          }
          reader.reset();
          ++epoch;
          continue;
        }
        ++epoch_chunks;
        epoch_bytes += chunk.size();
        auto block = std::make_shared<Block>();
        block->index = block_index++;
        block->words_before = words_read;
        std::uint64_t running = 0;
        // Known words between sentences (the "</s>" that ends them) are attributed to the next
        // sentence end; the final count is exact per block.
        const std::uint64_t known = text::for_each_sentence(
            chunk, vocab_, o_.max_sentence_length, sentence_scratch,
            [&](std::span<const std::uint32_t> sentence) {
              block->ids.insert(block->ids.end(), sentence.begin(), sentence.end());
              running += sentence.size();
              block->sentence_ends.push_back(static_cast<std::uint32_t>(block->ids.size()));
              block->sentence_words.push_back(static_cast<std::uint32_t>(running));
            });
        words_read += known;
        epoch_words += block->ids.size();
        if (o_.loss == OutputLoss::lsh_softmax &&
            words_read - last_rebuild >= o_.lsh_rebuild_words) {
          last_rebuild = words_read;
          rebuild_generation = block->index;
          rebuild_tables(rebuild_generation);
        }
        if (progress) {
          TrainProgress p;
          p.words_done = words_read;
          p.words_total = total;
          p.epoch = epoch;
          p.alpha = alpha_at(words_read);
          progress(p);
        }
        if (block->ids.empty()) continue;
        return block;
      }
    };

    tbb::enumerable_thread_specific<Scratch> scratches([&] {
      Scratch s;
      s.neu1.assign(stride_, 0.0f);
      s.neu1e.assign(stride_, 0.0f);
      s.targets.assign(o_.negative + 1, 0);
      if (o_.loss == OutputLoss::softmax) s.logits.assign(vsize_, 0.0f);
      if (o_.loss == OutputLoss::lsh_softmax) {
        s.query.reserve(vsize_);
        s.query.keys.assign(o_.lsh_tables, 0);
        s.logits.reserve(o_.lsh_active + o_.lsh_negatives + 8);
        s.active.reserve(o_.lsh_active + o_.lsh_negatives + 8);
      }
      return s;
    });

    tbb::parallel_pipeline(
        in_flight,
        tbb::make_filter<void, std::shared_ptr<Block>>(tbb::filter_mode::serial_in_order,
                                                       read_block) &
            tbb::make_filter<std::shared_ptr<Block>, void>(
                tbb::filter_mode::parallel, [&](std::shared_ptr<Block> block) {
                  const std::uint64_t kept = train_block(*block, scratches.local());
                  trained.fetch_add(kept, std::memory_order_relaxed);
                }));

    for (std::size_t i = 0; i < vsize_ * stride_; ++i) {
      if (!std::isfinite(syn0_[i])) {
        throw DivergenceError("training diverged (a word vector is not finite); lower --alpha");
      }
    }
    if (stats) {
      stats->words = words_read;
      stats->trained = trained.load();
      stats->seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    }
    TrainOutcome outcome;
    if (stopped) {
      TrainState& st = outcome.state;
      TrainPosition& p = st.position;
      p.epoch = epoch;
      p.chunks = reader ? epoch_chunks : 0;
      p.bytes = reader ? epoch_bytes : 0;
      p.epoch_words = reader ? epoch_words : 0;
      p.words_read = words_read;
      p.block_index = block_index;
      p.trained = trained.load();
      p.last_rebuild = last_rebuild;
      p.rebuild_generation = rebuild_generation;
      st.dim = dim_;
      st.stride = stride_;
      st.output_rows = out_rows_;
      st.syn0 = std::move(syn0_);
      st.syn1 = std::move(syn1_);
      st.syn1neg = std::move(syn1neg_);
      return outcome;
    }
    outcome.finished = true;
    outcome.vectors.dim = dim_;
    outcome.vectors.stride = stride_;
    outcome.vectors.input = std::move(syn0_);
    return outcome;
  }

 private:
  double alpha_at(std::uint64_t words_done) const {
    const double a = alpha0_ * (1.0 - static_cast<double>(words_done) / (total_ + 1.0));
    return std::max(a, alpha0_ * 1e-4);
  }

  void rebuild_tables(std::uint64_t generation) {
    auto tables = std::make_shared<lsh::LshTables>(lsh_config_, dim_);
    tables->rebuild(syn1_.data(), stride_, out_rows_, dim_,
                    mix_seed(o_.seed, {0x15A1u, generation}));
    std::atomic_store(&tables_, std::shared_ptr<const lsh::LshTables>(std::move(tables)));
  }

  std::uint64_t train_block(const Block& block, Scratch& s) {
    Rng rng(o_.seed, 0xB10Cu, block.index);
    std::uint64_t kept_total = 0;
    s.check_sum = 0;
    std::shared_ptr<const lsh::LshTables> tables;
    if (o_.loss == OutputLoss::lsh_softmax) tables = std::atomic_load(&tables_);
    std::uint32_t begin = 0;
    for (std::size_t si = 0; si < block.sentence_ends.size(); ++si) {
      const std::uint32_t end = block.sentence_ends[si];
      const std::uint64_t before =
          block.words_before + (si == 0 ? 0 : block.sentence_words[si - 1]);
      const float alpha = static_cast<float>(alpha_at(before));
      s.sentence.clear();
      for (std::uint32_t i = begin; i < end; ++i) {
        const std::uint32_t w = block.ids[i];
        if (o_.sample > 0 && !text::keep_word(keep_[w], static_cast<std::uint32_t>(rng.next_u64())))
          continue;
        s.sentence.push_back(w);
      }
      begin = end;
      kept_total += s.sentence.size();
      train_sentence(s, alpha, rng, tables.get());
    }
    if (!std::isfinite(s.check_sum)) {
      throw DivergenceError("training diverged in block " + std::to_string(block.index) +
                            " (about word " + std::to_string(block.words_before) +
                            " of " + std::to_string(total_) +
                            "): a score is not finite; no vectors written; lower --alpha");
    }
    return kept_total;
  }

  void train_sentence(Scratch& s, float alpha, Rng& rng, const lsh::LshTables* tables) {
    const std::size_t n = s.sentence.size();
    const std::uint32_t* sent = s.sentence.data();
    const auto window = static_cast<std::uint32_t>(o_.window);
    float* neu1 = s.neu1.data();
    float* neu1e = s.neu1e.data();
    for (std::size_t pos = 0; pos < n; ++pos) {
      const std::uint32_t word = sent[pos];
      // word2vec: b = random % window; the effective window is window - b.
      const std::uint32_t b = rng.uniform(window);
      const std::size_t reach = window - b;
      const std::size_t lo = pos >= reach ? pos - reach : 0;
      const std::size_t hi = std::min(n - 1, pos + reach);
      if (o_.architecture == Architecture::cbow) {
        std::fill(neu1, neu1 + dim_, 0.0f);
        std::fill(neu1e, neu1e + dim_, 0.0f);
        std::size_t cw = 0;
        for (std::size_t c = lo; c <= hi; ++c) {
          if (c == pos) continue;
          k_.axpy(1.0f, syn0_.data() + std::size_t{sent[c]} * stride_, neu1, dim_);
          ++cw;
        }
        if (cw == 0) continue;
        k_.scale(1.0f / static_cast<float>(cw), neu1, dim_);
        train_output(neu1, word, neu1e, alpha, rng, s, tables);
        for (std::size_t c = lo; c <= hi; ++c) {
          if (c == pos) continue;
          k_.axpy(1.0f, neu1e, syn0_.data() + std::size_t{sent[c]} * stride_, dim_);
        }
      } else {
        for (std::size_t c = lo; c <= hi; ++c) {
          if (c == pos) continue;
          float* l1 = syn0_.data() + std::size_t{sent[c]} * stride_;
          std::fill(neu1e, neu1e + dim_, 0.0f);
          train_output(l1, word, neu1e, alpha, rng, s, tables);
          k_.axpy(1.0f, neu1e, l1, dim_);
        }
      }
    }
  }

  bool uses_hs() const {
    return o_.loss == OutputLoss::hierarchical_softmax || o_.loss == OutputLoss::hs_and_ns;
  }
  bool uses_ns() const {
    return o_.loss == OutputLoss::negative_sampling || o_.loss == OutputLoss::hs_and_ns;
  }

  // Negative sampling against the output rows syn1 (the target and o_.negative unigram^0.75
  // draws, logistic loss each).
  void ns_step(const float* h, std::uint32_t word, float* neu1e, float alpha, Rng& rng,
               Scratch& s, float* syn1) {
    // Draw the targets first and prefetch their rows: the negatives are random rows of a
    // matrix far larger than the caches, and waiting for each in turn dominates otherwise.
    std::uint32_t* targets = s.targets.data();
    std::size_t count = 0;
    targets[count++] = word;
    for (std::size_t d = 0; d < o_.negative; ++d) {
      const std::uint64_t r = rng.next_u64();
      std::uint32_t target = sampler_->sample(r);
      // word2vec never uses "</s>" as a negative: it redraws uniformly among the others.
      if (target == 0) target = static_cast<std::uint32_t>((r >> 17) % (vsize_ - 1) + 1);
      if (target == word) continue;
      targets[count++] = target;
      const char* row = reinterpret_cast<const char*>(syn1 + std::size_t{target} * stride_);
      for (std::size_t b = 0; b < dim_ * sizeof(float); b += kCacheLine) {
        __builtin_prefetch(row + b, 1);
      }
    }
    for (std::size_t d = 0; d < count; ++d) {
      const float label = d == 0 ? 1.0f : 0.0f;
      float* l2 = syn1 + std::size_t{targets[d]} * stride_;
      const float f = k_.dot(h, l2, dim_);
      s.check_sum += f;
      float g;
      if (f > kMaxExp) {
        g = (label - 1) * alpha;
      } else if (f >= -kMaxExp) {
        g = (label - sigmoid_(f)) * alpha;
      } else {  // below -6, or NaN (which the block's check_sum then reports)
        g = label * alpha;
      }
      k_.axpy(g, l2, neu1e, dim_);
      k_.axpy(g, h, l2, dim_);
    }
  }

  // word2vec's hierarchical softmax: one logistic step per inner node on the word's path.
  void hs_step(const float* h, std::uint32_t word, float* neu1e, float alpha, float* syn1,
               double& check_sum) {
    const std::uint32_t from = tree_->offsets[word], to = tree_->offsets[word + 1];
    for (std::uint32_t d = from; d < to; ++d) {
      float* l2 = syn1 + std::size_t{tree_->points[d]} * stride_;
      const float f = k_.dot(h, l2, dim_);
      check_sum += f;
      if (!(f > -kMaxExp && f < kMaxExp)) continue;  // NaN too: the block's check reports it
      const float g = (1.0f - tree_->codes[d] - sigmoid_(f)) * alpha;
      k_.axpy(g, l2, neu1e, dim_);
      k_.axpy(g, h, l2, dim_);
    }
  }

  // One output step for hidden vector h and target word: adds the gradient with respect to h
  // (times alpha) to neu1e and updates the output rows.
  void train_output(const float* h, std::uint32_t word, float* neu1e, float alpha, Rng& rng,
                    Scratch& s, const lsh::LshTables* tables) {
    float* syn1 = syn1_.data();
    switch (o_.loss) {
      case OutputLoss::negative_sampling:
        ns_step(h, word, neu1e, alpha, rng, s, syn1);
        break;
      case OutputLoss::hierarchical_softmax:
        hs_step(h, word, neu1e, alpha, syn1, s.check_sum);
        break;
      case OutputLoss::hs_and_ns:
        // word2vec.c's order: the tree first, then the negatives, both into the same neu1e.
        hs_step(h, word, neu1e, alpha, syn1, s.check_sum);
        ns_step(h, word, neu1e, alpha, rng, s, syn1neg_.data());
        break;
      case OutputLoss::softmax: {
        float* logits = s.logits.data();
        k_.gemm_nt(h, stride_, syn1, stride_, logits, vsize_, 1, vsize_, dim_);
        for (std::size_t j = 0; j < vsize_; ++j) s.check_sum += logits[j];
        k_.softmax(logits, vsize_);
        // Gradient of log p(word): (1[j = word] - p_j); rows far below the max get 0 and are
        // skipped (their update would be below float resolution anyway).
        for (std::size_t j = 0; j < vsize_; ++j) {
          const float g = ((j == word ? 1.0f : 0.0f) - logits[j]) * alpha;
          logits[j] = g;
          if (g != 0.0f) k_.axpy(g, syn1 + j * stride_, neu1e, dim_);
        }
        for (std::size_t j = 0; j < vsize_; ++j) {
          if (logits[j] != 0.0f) k_.axpy(logits[j], h, syn1 + j * stride_, dim_);
        }
        break;
      }
      case OutputLoss::lsh_softmax: {
        s.forced[0] = word;
        tables->hash_dense(h, s.query.keys.data());
        selector_->select(std::span<const std::uint32_t>(s.forced, 1), tables,
                          s.query.keys.data(), rng.next_u64(), s.query, s.active);
        // Unigram^0.75 draws join the active set (sampled softmax with logQ correction: the
        // LSH rows are the high-logit head, taken as certain; the draws stand for the rest of
        // the vocabulary, each weighted by 1 / (its expected count)). Without them no frequent
        // word is ever pushed down unless the hash happens to return it.
        const std::size_t from_tables = s.active.size();
        for (std::size_t d = 0; d < o_.lsh_negatives; ++d) {
          const std::uint64_t r = rng.next_u64();
          std::uint32_t target = sampler_->sample(r);
          if (target == 0) target = static_cast<std::uint32_t>((r >> 17) % (vsize_ - 1) + 1);
          if (std::find(s.active.begin(), s.active.end(), target) != s.active.end()) continue;
          s.active.push_back(target);
        }
        const std::size_t m = s.active.size();
        s.logits.resize(m);
        float* logits = s.logits.data();
        k_.dot_rows(h, syn1, stride_, s.active.data(), m, dim_, logits);
        if (o_.lsh_correction) {
          for (std::size_t j = from_tables; j < m; ++j) logits[j] -= log_expected_[s.active[j]];
        }
        for (std::size_t j = 0; j < m; ++j) s.check_sum += logits[j];
        k_.softmax(logits, m);
        // The target is active[0] (forced ids come first).
        for (std::size_t j = 0; j < m; ++j) {
          const float g = ((j == 0 ? 1.0f : 0.0f) - logits[j]) * alpha;
          logits[j] = g;
          if (g != 0.0f) k_.axpy(g, syn1 + std::size_t{s.active[j]} * stride_, neu1e, dim_);
        }
        for (std::size_t j = 0; j < m; ++j) {
          if (logits[j] != 0.0f) {
            k_.axpy(logits[j], h, syn1 + std::size_t{s.active[j]} * stride_, dim_);
          }
        }
        break;
      }
    }
  }

  const text::Vocabulary& vocab_;
  TrainerOptions o_;
  const simd::Kernels& k_;
  std::size_t vsize_;
  std::size_t out_rows_ = 0;
  std::size_t dim_;
  std::size_t stride_;
  double alpha0_;
  std::uint64_t total_ = 0;
  std::vector<float> keep_;
  std::vector<float> log_expected_;  // --loss lsh: log(lsh_negatives * q_j), q = unigram^0.75
  SigmoidTable sigmoid_;
  std::unique_ptr<HuffmanTree> tree_;
  std::unique_ptr<text::UnigramSampler> sampler_;
  AlignedBuffer<float> syn0_, syn1_, syn1neg_;
  lsh::LshConfig lsh_config_;
  std::unique_ptr<lsh::ActiveSetSelector> selector_;
  std::shared_ptr<const lsh::LshTables> tables_;
};

}  // namespace

TrainedVectors train_word_vectors(const text::Vocabulary& vocabulary, const CorpusOpener& open,
                                  const TrainerOptions& options,
                                  const TrainProgressCallback& progress, TrainStats* stats) {
  validate(options);
  bool any = false;
  for (std::size_t i = 1; i < vocabulary.size(); ++i) any |= vocabulary.count(i) > 0;
  if (!any) {
    throw UsageError("the vocabulary has no word besides </s> (lower --min-count?)");
  }
  Trainer trainer(vocabulary, options);
  return std::move(trainer.run(open, TrainControl{}, progress, stats).vectors);
}

double estimate_training_memory(std::size_t vocabulary_size, const TrainerOptions& o,
                                std::size_t threads) {
  const double v = double(vocabulary_size);
  const double row = double(padded(o.dim)) * sizeof(float);
  threads = std::max<std::size_t>(threads, 1);
  double bytes = v * row;  // input vectors
  const bool hs = o.loss == OutputLoss::hierarchical_softmax || o.loss == OutputLoss::hs_and_ns;
  bytes += (hs ? std::max(v - 1, 1.0) : v) * row;
  if (o.loss == OutputLoss::hs_and_ns) bytes += v * row;
  // Huffman codes and points: depth about log2(V) + a few, 5 bytes per level, built via
  // per-word vectors (about twice that at the peak).
  if (hs) bytes += v * 2 * 5 * (std::log2(std::max(v, 2.0)) + 4) + v * 64;
  bytes += v * (8 + 4 + 8);  // unigram sampler, keep probabilities, log expected counts
  bytes += v * 48;            // the vocabulary's words and index
  if (o.loss == OutputLoss::softmax) bytes += double(threads) * v * sizeof(float);
  if (o.loss == OutputLoss::lsh_softmax) {
    // Two generations of tables alive during a rebuild, and per-thread query scratch.
    bytes += 2 * double(o.lsh_tables) * std::ldexp(1.0, int(o.lsh_bits)) * 128 * 4;
    bytes += double(threads) * v * 8;
  }
  const std::size_t in_flight = o.blocks_in_flight ? o.blocks_in_flight : 2 * threads;
  // A block: its bytes, then up to one id (4 bytes) per two bytes, plus sentence bounds.
  bytes += double(in_flight + 1) * double(o.block_bytes) * 3.5;
  // The process itself: code, libraries, oneTBB's arenas, I/O buffers (measured peak RSS minus
  // the above was 8-14 MiB for 49 k words, dim 200, 2 threads).
  bytes += 16.0 * 1024 * 1024;
  return bytes;
}

TrainOutcome train_word_vectors_resumable(const text::Vocabulary& vocabulary,
                                          const CorpusOpener& open, const TrainerOptions& options,
                                          const TrainControl& control,
                                          const TrainProgressCallback& progress,
                                          TrainStats* stats) {
  validate(options);
  bool any = false;
  for (std::size_t i = 1; i < vocabulary.size(); ++i) any |= vocabulary.count(i) > 0;
  if (!any) {
    throw UsageError("the vocabulary has no word besides </s> (lower --min-count?)");
  }
  Trainer trainer(vocabulary, options);
  return trainer.run(open, control, progress, stats);
}

TrainedVectors train_word_vectors_file(const text::Vocabulary& vocabulary, const std::string& path,
                                       const TrainerOptions& options,
                                       const TrainProgressCallback& progress, TrainStats* stats) {
  if (path == "-" && options.epochs > 1) {
    throw UsageError(
        "standard input can be read only once: train from '-' with --iter 1 (and --read-vocab)");
  }
  return train_word_vectors(vocabulary, corpus_file_opener(path), options, progress, stats);
}

CorpusOpener corpus_file_opener(const std::string& path) {
  return [path](std::size_t) {
    std::shared_ptr<io::InputStream> in = io::open_input(path);
    text::ByteSource source = text::input_source(*in);
    text::ByteSource owning;
    owning.name = source.name;
    owning.read = [in, read = std::move(source.read)](char* buf, std::size_t n) {
      return read(buf, n);
    };
    return owning;
  };
}

}  // namespace slide::w2v
