#include "slide/w2v/negative_sampling.h"

namespace slide::w2v {

NegativeSampling::NegativeSampling(const text::Vocabulary& vocabulary,
                                   const TrainerOptions& options, const simd::Kernels& kernels)
    : k_(kernels),
      vsize_(vocabulary.size()),
      dim_(options.dim),
      stride_(row_stride(options.dim)),
      negative_(options.negative),
      sampler_(vocabulary.counts(), 0.75),
      rows_(zero_rows(vocabulary.size(), options.dim)) {}

}  // namespace slide::w2v
