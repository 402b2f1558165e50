#pragma once

// word2vec's hierarchical softmax (-hs 1): the probability of a word is the product of binary
// decisions along its path in the Huffman tree, so a step costs one logistic loss per inner node
// on the path (about log2 of the vocabulary, fewer for frequent words) instead of one per word.
// The output rows belong to the inner nodes: vocabulary size - 1 of them.

#include <cstddef>
#include <cstdint>

#include "slide/core/aligned_buffer.h"
#include "slide/core/random.h"
#include "slide/simd/kernels.h"
#include "slide/text/vocabulary.h"
#include "slide/w2v/huffman_tree.h"
#include "slide/w2v/options.h"
#include "slide/w2v/sigmoid_table.h"
#include "slide/w2v/step_scratch.h"

namespace slide::w2v {

class HierarchicalSoftmax {
 public:
  // Rows for the inner nodes (at least one), zero.
  HierarchicalSoftmax(const text::Vocabulary& vocabulary, const TrainerOptions& options,
                      const simd::Kernels& kernels);

  static std::size_t output_rows(std::size_t vocabulary_size) {
    return vocabulary_size > 1 ? vocabulary_size - 1 : 1;
  }

  void prepare(StepScratch& /*s*/) const {}
  void begin_block(StepScratch& /*s*/) const {}
  void end_block(StepScratch& /*s*/) const {}

  // Adds alpha times the gradient with respect to h to neu1e and updates the rows on the path.
  void step(const float* h, std::uint32_t word, float* neu1e, float alpha, Rng& /*rng*/,
            StepScratch& s) {
    float* rows = rows_.data();
    const std::uint32_t from = tree_.offsets[word], to = tree_.offsets[word + 1];
    for (std::uint32_t d = from; d < to; ++d) {
      float* l2 = rows + std::size_t{tree_.points[d]} * stride_;
      const float f = k_.dot(h, l2, dim_);
      s.check_sum += f;
      if (!(f > -kMaxExp && f < kMaxExp)) continue;  // NaN too: the block's check reports it
      const float g = (1.0f - tree_.codes[d] - sigmoid_(f)) * alpha;
      k_.axpy(g, l2, neu1e, dim_);
      k_.axpy(g, h, l2, dim_);
    }
  }

  AlignedBuffer<float>& weights() { return rows_; }

 private:
  const simd::Kernels& k_;
  std::size_t dim_;
  std::size_t stride_;
  HuffmanTree tree_;
  SigmoidTable sigmoid_;
  AlignedBuffer<float> rows_;
};

}  // namespace slide::w2v
