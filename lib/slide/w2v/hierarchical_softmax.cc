#include "slide/w2v/hierarchical_softmax.h"

#include "slide/w2v/weight_rows.h"

namespace slide::w2v {

HierarchicalSoftmax::HierarchicalSoftmax(const text::Vocabulary& vocabulary,
                                         const TrainerOptions& options,
                                         const simd::Kernels& kernels)
    : k_(kernels),
      dim_(options.dim),
      stride_(row_stride(options.dim)),
      tree_(vocabulary.counts()),
      rows_(zero_rows(output_rows(vocabulary.size()), options.dim)) {}

}  // namespace slide::w2v
