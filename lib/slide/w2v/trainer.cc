#include "slide/w2v/trainer.h"

#include <oneapi/tbb/enumerable_thread_specific.h>
#include <oneapi/tbb/parallel_pipeline.h>
#include <oneapi/tbb/task_arena.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "slide/core/error.h"
#include "slide/core/random.h"
#include "slide/simd/dispatch.h"
#include "slide/simd/kernels.h"
#include "slide/text/vocabulary.h"
#include "slide/w2v/hierarchical_softmax.h"
#include "slide/w2v/negative_sampling.h"
#include "slide/w2v/softmax.h"
#include "slide/w2v/step_scratch.h"
#include "slide/w2v/weight_rows.h"

namespace slide::w2v {

namespace {

// hs+ns (word2vec's -hs 1 -negative N): word2vec.c's order, the tree first, then the
// negatives, both into the same neu1e.
struct TreeAndNegatives {
  HierarchicalSoftmax& tree;
  NegativeSampling& negatives;

  void begin_block(StepScratch& /*s*/) const {}
  void end_block(StepScratch& /*s*/) const {}
  void step(const float* h, std::uint32_t word, float* neu1e, float alpha, Rng& rng,
            StepScratch& s) {
    tree.step(h, word, neu1e, alpha, rng, s);
    negatives.step(h, word, neu1e, alpha, rng, s);
  }
};

class Trainer {
 public:
  Trainer(const text::Vocabulary& vocabulary, const TrainerOptions& options)
      : vocab_(vocabulary),
        o_(options),
        k_(simd::kernels()),
        vsize_(vocabulary.size()),
        dim_(options.dim),
        stride_(row_stride(options.dim)),
        out_rows_(uses_tree(options.loss) ? HierarchicalSoftmax::output_rows(vsize_) : vsize_),
        alpha0_(options.effective_alpha()),
        keep_(vocabulary.keep_probabilities(options.sample)),
        syn0_(random_rows(vsize_, dim_, options.seed, 0x5EED0001u)) {
    if (uses_tree(o_.loss)) tree_.emplace(vocabulary, o_, k_);
    if (uses_negative_sampling(o_.loss)) negatives_.emplace(vocabulary, o_, k_);
    if (o_.loss == OutputLoss::softmax) softmax_.emplace(vocabulary, o_, k_);
    if (o_.loss == OutputLoss::lsh_softmax) lsh_.emplace(vocabulary, o_, k_);
  }

  TrainOutcome run(const CorpusOpener& open, const TrainControl& control,
                   const TrainProgressCallback& progress, TrainStats* stats) {
    const auto start = std::chrono::steady_clock::now();
    total_ = static_cast<std::uint64_t>(o_.epochs) * vocab_.total_count();
    std::atomic<std::uint64_t> trained{0};
    const TrainPosition* resume_from = nullptr;
    if (control.resume) {
      resume(*control.resume);
      resume_from = &control.resume->position;
      trained = resume_from->trained;
    }
    CorpusBlocks blocks(vocab_, open, o_, resume_from);
    bool stopped = false;

    std::size_t in_flight = o_.blocks_in_flight;
    if (in_flight == 0) {
      in_flight =
          2 * static_cast<std::size_t>(std::max(1, tbb::this_task_arena::max_concurrency()));
    }

    auto read_block = [&](tbb::flow_control& fc) -> std::shared_ptr<Block> {
      for (;;) {
        if ((control.stop && control.stop()) ||
            (control.stop_after_words && blocks.words_read() >= control.stop_after_words)) {
          stopped = !blocks.done();
          fc.stop();
          return nullptr;
        }
        if (blocks.done()) {
          fc.stop();
          return nullptr;
        }
        std::shared_ptr<Block> block = blocks.next();
        if (!block) continue;  // the end of an epoch
        if (lsh_) lsh_->after_block_read(blocks.words_read(), block->index);
        if (progress) {
          TrainProgress p;
          p.words_done = blocks.words_read();
          p.words_total = total_;
          p.epoch = blocks.epoch();
          p.alpha = alpha_at(blocks.words_read());
          progress(p);
        }
        if (block->ids.empty()) continue;
        return block;
      }
    };

    tbb::enumerable_thread_specific<StepScratch> scratches([&] {
      StepScratch s;
      s.neu1.assign(stride_, 0.0f);
      s.neu1e.assign(stride_, 0.0f);
      if (tree_) tree_->prepare(s);
      if (negatives_) negatives_->prepare(s);
      if (softmax_) softmax_->prepare(s);
      if (lsh_) lsh_->prepare(s);
      return s;
    });

    tbb::parallel_pipeline(
        in_flight, tbb::make_filter<void, std::shared_ptr<Block>>(tbb::filter_mode::serial_in_order,
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
      stats->words = blocks.words_read();
      stats->trained = trained.load();
      stats->seconds =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    }
    TrainOutcome outcome;
    if (stopped) {
      TrainState& st = outcome.state;
      blocks.record(st.position);
      st.position.trained = trained.load();
      if (lsh_) {
        st.position.last_rebuild = lsh_->last_rebuild();
        st.position.rebuild_generation = lsh_->rebuild_generation();
      }
      st.dim = dim_;
      st.stride = stride_;
      st.output_rows = out_rows_;
      st.syn0 = std::move(syn0_);
      st.syn1 = std::move(output_weights());
      if (o_.loss == OutputLoss::hs_and_ns) st.syn1neg = std::move(negatives_->weights());
      return outcome;
    }
    outcome.finished = true;
    outcome.vectors.dim = dim_;
    outcome.vectors.stride = stride_;
    outcome.vectors.input = std::move(syn0_);
    return outcome;
  }

 private:
  // The layer whose rows are the state's syn1: the tree's with hs and hs+ns.
  AlignedBuffer<float>& output_weights() {
    if (tree_) return tree_->weights();
    if (negatives_) return negatives_->weights();
    if (softmax_) return softmax_->weights();
    return lsh_->weights();
  }

  void resume(TrainState& r) {
    const std::size_t neg_size = o_.loss == OutputLoss::hs_and_ns ? vsize_ * stride_ : 0;
    if (r.dim != dim_ || r.stride != stride_ || r.output_rows != out_rows_ ||
        r.syn0.size() != syn0_.size() || r.syn1.size() != output_weights().size() ||
        r.syn1neg.size() != neg_size) {
      throw UsageError("the checkpoint's matrices do not fit these options and vocabulary");
    }
    syn0_ = std::move(r.syn0);
    output_weights() = std::move(r.syn1);
    if (neg_size) negatives_->weights() = std::move(r.syn1neg);
    if (lsh_) lsh_->resume_schedule(r.position.last_rebuild, r.position.rebuild_generation);
  }

  double alpha_at(std::uint64_t words_done) const {
    const double a = alpha0_ * (1.0 - static_cast<double>(words_done) / (total_ + 1.0));
    return std::max(a, alpha0_ * 1e-4);
  }

  // The output layer is chosen here, once per block; the loops below are instantiated per layer.
  std::uint64_t train_block(const Block& block, StepScratch& s) {
    switch (o_.loss) {
      case OutputLoss::negative_sampling:
        return train_block(block, s, *negatives_);
      case OutputLoss::hierarchical_softmax:
        return train_block(block, s, *tree_);
      case OutputLoss::hs_and_ns: {
        TreeAndNegatives both{*tree_, *negatives_};
        return train_block(block, s, both);
      }
      case OutputLoss::softmax:
        return train_block(block, s, *softmax_);
      case OutputLoss::lsh_softmax:
        return train_block(block, s, *lsh_);
    }
    return 0;
  }

  template <class Output>
  std::uint64_t train_block(const Block& block, StepScratch& s, Output& output) {
    Rng rng(o_.seed, 0xB10Cu, block.index);
    std::uint64_t kept_total = 0;
    s.check_sum = 0;
    output.begin_block(s);
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
      if (o_.architecture == Architecture::cbow) {
        cbow_sentence(s, alpha, rng, output);
      } else {
        skipgram_sentence(s, alpha, rng, output);
      }
    }
    output.end_block(s);
    if (!std::isfinite(s.check_sum)) {
      throw DivergenceError("training diverged in block " + std::to_string(block.index) +
                            " (about word " + std::to_string(block.words_before) + " of " +
                            std::to_string(total_) +
                            "): a score is not finite; no vectors written; lower --alpha");
    }
    return kept_total;
  }

  // word2vec's window: b = random % window, and the effective window is window - b.
  struct Window {
    std::size_t lo, hi;
  };
  Window draw_window(std::size_t pos, std::size_t n, Rng& rng) const {
    const std::uint32_t b = rng.uniform(static_cast<std::uint32_t>(o_.window));
    const std::size_t reach = o_.window - b;
    return {pos >= reach ? pos - reach : 0, std::min(n - 1, pos + reach)};
  }

  // The hidden vector is the mean of the context's input vectors; its gradient goes back to
  // each of them.
  template <class Output>
  void cbow_sentence(StepScratch& s, float alpha, Rng& rng, Output& output) {
    const std::size_t n = s.sentence.size();
    const std::uint32_t* sent = s.sentence.data();
    float* neu1 = s.neu1.data();
    float* neu1e = s.neu1e.data();
    for (std::size_t pos = 0; pos < n; ++pos) {
      const Window w = draw_window(pos, n, rng);
      std::fill(neu1, neu1 + dim_, 0.0f);
      std::fill(neu1e, neu1e + dim_, 0.0f);
      std::size_t cw = 0;
      for (std::size_t c = w.lo; c <= w.hi; ++c) {
        if (c == pos) continue;
        k_.axpy(1.0f, syn0_.data() + std::size_t{sent[c]} * stride_, neu1, dim_);
        ++cw;
      }
      if (cw == 0) continue;
      k_.scale(1.0f / static_cast<float>(cw), neu1, dim_);
      output.step(neu1, sent[pos], neu1e, alpha, rng, s);
      for (std::size_t c = w.lo; c <= w.hi; ++c) {
        if (c == pos) continue;
        k_.axpy(1.0f, neu1e, syn0_.data() + std::size_t{sent[c]} * stride_, dim_);
      }
    }
  }

  // Each context word's input vector in turn is the hidden vector (word2vec's pairing: the
  // context predicts the centre word).
  template <class Output>
  void skipgram_sentence(StepScratch& s, float alpha, Rng& rng, Output& output) {
    const std::size_t n = s.sentence.size();
    const std::uint32_t* sent = s.sentence.data();
    float* neu1e = s.neu1e.data();
    for (std::size_t pos = 0; pos < n; ++pos) {
      const Window w = draw_window(pos, n, rng);
      for (std::size_t c = w.lo; c <= w.hi; ++c) {
        if (c == pos) continue;
        float* l1 = syn0_.data() + std::size_t{sent[c]} * stride_;
        std::fill(neu1e, neu1e + dim_, 0.0f);
        output.step(l1, sent[pos], neu1e, alpha, rng, s);
        k_.axpy(1.0f, neu1e, l1, dim_);
      }
    }
  }

  const text::Vocabulary& vocab_;
  TrainerOptions o_;
  const simd::Kernels& k_;
  std::size_t vsize_;
  std::size_t dim_;
  std::size_t stride_;
  std::size_t out_rows_;
  double alpha0_;
  std::uint64_t total_ = 0;
  std::vector<float> keep_;
  AlignedBuffer<float> syn0_;
  // The output layers of the loss (both tree_ and negatives_ with hs+ns).
  std::optional<HierarchicalSoftmax> tree_;
  std::optional<NegativeSampling> negatives_;
  std::optional<ExactSoftmax> softmax_;
  std::optional<LshSoftmax> lsh_;
};

void check_vocabulary(const text::Vocabulary& vocabulary) {
  bool any = false;
  for (std::size_t i = 1; i < vocabulary.size(); ++i) any |= vocabulary.count(i) > 0;
  if (!any) {
    throw UsageError("the vocabulary has no word besides </s> (lower --min-count?)");
  }
}

}  // namespace

TrainOutcome train_word_vectors_resumable(const text::Vocabulary& vocabulary,
                                          const CorpusOpener& open, const TrainerOptions& options,
                                          const TrainControl& control,
                                          const TrainProgressCallback& progress,
                                          TrainStats* stats) {
  validate(options);
  check_vocabulary(vocabulary);
  Trainer trainer(vocabulary, options);
  return trainer.run(open, control, progress, stats);
}

TrainedVectors train_word_vectors(const text::Vocabulary& vocabulary, const CorpusOpener& open,
                                  const TrainerOptions& options,
                                  const TrainProgressCallback& progress, TrainStats* stats) {
  return std::move(
      train_word_vectors_resumable(vocabulary, open, options, TrainControl{}, progress, stats)
          .vectors);
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

}  // namespace slide::w2v
