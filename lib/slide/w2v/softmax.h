#pragma once

// The softmax output layers: the exact softmax over the whole vocabulary (the slow reference)
// and an LSH-sampled softmax, whose active set for a step is the target word, the output rows
// that SimHash tables return for the hidden vector (the likely high scores), and a few
// unigram^0.75 draws (standing for the rest of the vocabulary). Both update only the rows they
// scored; the tables are rebuilt from the output rows on a schedule counted in words read.

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "slide/core/aligned_buffer.h"
#include "slide/core/random.h"
#include "slide/lsh/active_set.h"
#include "slide/lsh/lsh_tables.h"
#include "slide/simd/kernels.h"
#include "slide/text/unigram_table.h"
#include "slide/text/vocabulary.h"
#include "slide/w2v/negative_sampling.h"
#include "slide/w2v/options.h"
#include "slide/w2v/step_scratch.h"

namespace slide::w2v {

// The step of a softmax over m scored rows, given their probabilities: the gradient of
// log p(target) is (1[j = target] - p_j), times alpha; it goes into neu1e (through the rows'
// old values) and then into the rows. A row whose gradient is 0 (far below the max) is skipped:
// its update would be below float resolution anyway. row(j) is the address of scored row j.
template <class RowOf>
void softmax_update(const simd::Kernels& k, const float* h, float* neu1e, float* probabilities,
                    std::size_t m, std::size_t target, float alpha, std::size_t dim, RowOf row) {
  for (std::size_t j = 0; j < m; ++j) {
    const float g = ((j == target ? 1.0f : 0.0f) - probabilities[j]) * alpha;
    probabilities[j] = g;
    if (g != 0.0f) k.axpy(g, row(j), neu1e, dim);
  }
  for (std::size_t j = 0; j < m; ++j) {
    if (probabilities[j] != 0.0f) k.axpy(probabilities[j], h, row(j), dim);
  }
}

class ExactSoftmax {
 public:
  // One zero output row per word.
  ExactSoftmax(const text::Vocabulary& vocabulary, const TrainerOptions& options,
               const simd::Kernels& kernels);

  void prepare(StepScratch& s) const { s.logits.assign(vsize_, 0.0f); }
  void begin_block(StepScratch& /*s*/) const {}
  void end_block(StepScratch& /*s*/) const {}

  void step(const float* h, std::uint32_t word, float* neu1e, float alpha, Rng& /*rng*/,
            StepScratch& s) {
    float* rows = rows_.data();
    float* logits = s.logits.data();
    k_.gemm_nt(h, stride_, rows, stride_, logits, vsize_, 1, vsize_, dim_);
    for (std::size_t j = 0; j < vsize_; ++j) s.check_sum += logits[j];
    k_.softmax(logits, vsize_);
    softmax_update(k_, h, neu1e, logits, vsize_, word, alpha, dim_,
                   [rows, this](std::size_t j) { return rows + j * stride_; });
  }

  AlignedBuffer<float>& weights() { return rows_; }

 private:
  const simd::Kernels& k_;
  std::size_t vsize_;
  std::size_t dim_;
  std::size_t stride_;
  AlignedBuffer<float> rows_;
};

class LshSoftmax {
 public:
  // Random output rows (zero rows would all hash to one bucket) and their first tables.
  LshSoftmax(const text::Vocabulary& vocabulary, const TrainerOptions& options,
             const simd::Kernels& kernels);

  void prepare(StepScratch& s) const;
  // A block trains with the tables current when it starts, whatever rebuilds happen meanwhile.
  void begin_block(StepScratch& s) const { s.tables = std::atomic_load(&tables_); }
  void end_block(StepScratch& s) const { s.tables.reset(); }

  void step(const float* h, std::uint32_t word, float* neu1e, float alpha, Rng& rng,
            StepScratch& s) {
    float* rows = rows_.data();
    const lsh::LshTables* tables = s.tables.get();
    s.forced[0] = word;
    tables->hash_dense(h, s.query.keys.data());
    selector_.select(std::span<const std::uint32_t>(s.forced, 1), tables, s.query.keys.data(),
                     rng.next_u64(), s.query, s.active);
    // Unigram^0.75 draws join the active set (sampled softmax with logQ correction: the LSH
    // rows are the high-logit head, taken as certain; the draws stand for the rest of the
    // vocabulary, each weighted by 1 / (its expected count)). Without them no frequent word is
    // ever pushed down unless the hash happens to return it.
    const std::size_t from_tables = s.active.size();
    for (std::size_t d = 0; d < negatives_; ++d) {
      const std::uint32_t target = draw_negative(*sampler_, rng.next_u64(), vsize_);
      if (std::find(s.active.begin(), s.active.end(), target) != s.active.end()) continue;
      s.active.push_back(target);
    }
    const std::size_t m = s.active.size();
    s.logits.resize(m);
    float* logits = s.logits.data();
    const std::uint32_t* active = s.active.data();
    k_.dot_rows(h, rows, stride_, active, m, dim_, logits);
    if (correction_) {
      for (std::size_t j = from_tables; j < m; ++j) logits[j] -= log_expected_[active[j]];
    }
    for (std::size_t j = 0; j < m; ++j) s.check_sum += logits[j];
    k_.softmax(logits, m);
    // The target is active[0] (forced ids come first).
    softmax_update(k_, h, neu1e, logits, m, 0, alpha, dim_, [rows, active, this](std::size_t j) {
      return rows + std::size_t{active[j]} * stride_;
    });
  }

  // Called by the reading stage after each block: rebuilds the tables once rebuild_words words
  // have been read since the last rebuild, seeded by the block's index (so that the tables of a
  // run do not depend on the thread count).
  void after_block_read(std::uint64_t words_read, std::uint64_t block_index);
  // A resumed run: the tables of the checkpoint's last rebuild, from its output rows (weights()
  // must hold them by now).
  void resume_schedule(std::uint64_t last_rebuild, std::uint64_t generation);
  std::uint64_t last_rebuild() const { return last_rebuild_; }
  std::uint64_t rebuild_generation() const { return generation_; }

  AlignedBuffer<float>& weights() { return rows_; }

 private:
  void rebuild_tables();

  const simd::Kernels& k_;
  std::size_t vsize_;
  std::size_t dim_;
  std::size_t stride_;
  std::uint64_t seed_;
  std::size_t negatives_;
  bool correction_;
  std::uint64_t rebuild_words_;
  std::size_t tables_count_;
  std::size_t active_size_;
  std::unique_ptr<text::UnigramSampler> sampler_;  // when negatives_ > 0
  std::vector<float> log_expected_;                // log(negatives_ * q_j), q = unigram^0.75
  AlignedBuffer<float> rows_;
  lsh::LshConfig config_;
  lsh::ActiveSetSelector selector_;
  std::shared_ptr<const lsh::LshTables> tables_;
  std::uint64_t last_rebuild_ = 0;  // words read at the last rebuild
  std::uint64_t generation_ = 0;    // the block index that seeded it
};

}  // namespace slide::w2v
