#pragma once

// Negative sampling (word2vec's -negative N): each step pulls the hidden vector and the target
// word's output row together and pushes it away from N rows drawn from unigram^0.75, one
// logistic loss per row. The step is inline: the trainer instantiates its sentence loop for each
// output layer, and this is the innermost loop of the default loss.

#include <cstddef>
#include <cstdint>

#include "slide/core/aligned_buffer.h"
#include "slide/core/random.h"
#include "slide/simd/kernels.h"
#include "slide/text/unigram_table.h"
#include "slide/text/vocabulary.h"
#include "slide/w2v/options.h"
#include "slide/w2v/sigmoid_table.h"
#include "slide/w2v/step_scratch.h"
#include "slide/w2v/weight_rows.h"

namespace slide::w2v {

// A unigram^0.75 word from 64 random bits, never "</s>" (id 0): word2vec redraws uniformly among
// the other words when the table gives it (vocabulary_size must be at least 2).
inline std::uint32_t draw_negative(const text::UnigramSampler& sampler, std::uint64_t random,
                                   std::size_t vocabulary_size) {
  std::uint32_t target = sampler.sample(random);
  if (target == 0) target = static_cast<std::uint32_t>((random >> 17) % (vocabulary_size - 1) + 1);
  return target;
}

class NegativeSampling {
 public:
  // One zero output row per word.
  NegativeSampling(const text::Vocabulary& vocabulary, const TrainerOptions& options,
                   const simd::Kernels& kernels);

  void prepare(StepScratch& s) const { s.targets.assign(negative_ + 1, 0); }
  void begin_block(StepScratch& /*s*/) const {}
  void end_block(StepScratch& /*s*/) const {}

  // Adds alpha times the gradient with respect to h to neu1e and updates the output rows.
  void step(const float* h, std::uint32_t word, float* neu1e, float alpha, Rng& rng,
            StepScratch& s) {
    // Draw the targets first and prefetch their rows: the negatives are random rows of a
    // matrix far larger than the caches, and waiting for each in turn dominates otherwise.
    std::uint32_t* targets = s.targets.data();
    float* rows = rows_.data();
    std::size_t count = 0;
    targets[count++] = word;
    for (std::size_t d = 0; d < negative_; ++d) {
      const std::uint32_t target = draw_negative(sampler_, rng.next_u64(), vsize_);
      if (target == word) continue;
      targets[count++] = target;
      const char* row = reinterpret_cast<const char*>(rows + std::size_t{target} * stride_);
      for (std::size_t b = 0; b < dim_ * sizeof(float); b += kCacheLine) {
        __builtin_prefetch(row + b, 1);
      }
    }
    for (std::size_t d = 0; d < count; ++d) {
      const float label = d == 0 ? 1.0f : 0.0f;
      float* l2 = rows + std::size_t{targets[d]} * stride_;
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

  AlignedBuffer<float>& weights() { return rows_; }

 private:
  const simd::Kernels& k_;
  std::size_t vsize_;
  std::size_t dim_;
  std::size_t stride_;
  std::size_t negative_;
  text::UnigramSampler sampler_;
  SigmoidTable sigmoid_;
  AlignedBuffer<float> rows_;
};

}  // namespace slide::w2v
