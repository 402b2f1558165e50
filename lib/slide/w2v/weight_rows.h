#pragma once

// The layout of every w2v weight matrix: one row per word (or per inner node of the Huffman
// tree), dim floats padded to a multiple of 16 so that each row starts on a cache line, which the
// vector kernels and the prefetches of the output layers rely on.

#include <cstddef>
#include <cstdint>

#include "slide/core/aligned_buffer.h"

namespace slide::w2v {

inline std::size_t row_stride(std::size_t dim) {
  return (dim + 15) / 16 * 16;
}

// Zero rows (padding included): word2vec's start for the output layers.
inline AlignedBuffer<float> zero_rows(std::size_t rows, std::size_t dim) {
  return AlignedBuffer<float>(rows * row_stride(dim));
}

// word2vec's start for the input vectors: uniform in [-0.5, 0.5) / dim, padding zero. Row i is
// drawn from Rng(seed, stream, i), so the values do not depend on how many threads fill them.
AlignedBuffer<float> random_rows(std::size_t rows, std::size_t dim, std::uint64_t seed,
                                 std::uint64_t stream);

}  // namespace slide::w2v
