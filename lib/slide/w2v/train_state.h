#pragma once

// Everything a stopped run needs to continue exactly where it stopped, besides its options and
// vocabulary: the position in the stream of epochs and the weights. Every random stream is
// seeded by (seed, block index), so the position is the whole random state.

#include <cstddef>
#include <cstdint>

#include "slide/core/aligned_buffer.h"

namespace slide::w2v {

// Where a stopped run stands in the stream of epochs: every block before it is trained.
struct TrainPosition {
  std::uint64_t epoch = 0;         // the epoch being read
  std::uint64_t chunks = 0;        // chunks of that epoch read (and trained)
  std::uint64_t bytes = 0;         // their bytes: checked on resume (the corpus must not change)
  std::uint64_t epoch_words = 0;   // words of the vocabulary in those chunks
  std::uint64_t words_read = 0;    // known words read, all epochs (sets the learning rate)
  std::uint64_t block_index = 0;   // the next block's index (seeds its random stream)
  std::uint64_t trained = 0;       // words trained after subsampling
  std::uint64_t last_rebuild = 0;  // --loss lsh: words_read at the last table rebuild
  std::uint64_t rebuild_generation = 0;  // --loss lsh: the block index that seeded it
};

// The weights of a run, rows of dim floats `stride` apart: the input vectors, the output layer
// (vocabulary - 1 inner nodes with hs or hs+ns, else one row per word) and with hs+ns the
// negative-sampling layer.
struct TrainState {
  TrainPosition position;
  std::size_t dim = 0;
  std::size_t stride = 0;
  std::size_t output_rows = 0;
  AlignedBuffer<float> syn0, syn1, syn1neg;
};

}  // namespace slide::w2v
