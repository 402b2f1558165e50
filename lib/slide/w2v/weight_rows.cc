#include "slide/w2v/weight_rows.h"

#include <oneapi/tbb/parallel_for.h>

#include "slide/core/random.h"

namespace slide::w2v {

AlignedBuffer<float> random_rows(std::size_t count, std::size_t dim, std::uint64_t seed,
                                 std::uint64_t stream) {
  AlignedBuffer<float> rows = zero_rows(count, dim);
  const std::size_t stride = row_stride(dim);
  float* data = rows.data();
  tbb::parallel_for(tbb::blocked_range<std::size_t>(0, count, 1024),
                    [&](const tbb::blocked_range<std::size_t>& r) {
                      for (std::size_t i = r.begin(); i != r.end(); ++i) {
                        Rng rng(seed, stream, i);
                        float* row = data + i * stride;
                        for (std::size_t d = 0; d < dim; ++d) {
                          row[d] = (rng.uniform_float() - 0.5f) / static_cast<float>(dim);
                        }
                      }
                    });
  return rows;
}

}  // namespace slide::w2v
