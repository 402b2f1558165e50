#include "slide/w2v/memory_estimate.h"

#include <algorithm>
#include <cmath>

#include "slide/core/error.h"
#include "slide/core/system_memory.h"
#include "slide/w2v/hierarchical_softmax.h"
#include "slide/w2v/weight_rows.h"

namespace slide::w2v {

double estimate_training_memory(std::size_t vocabulary_size, const TrainerOptions& o,
                                std::size_t threads) {
  const double v = double(vocabulary_size);
  const double row = double(row_stride(o.dim)) * sizeof(float);
  threads = std::max<std::size_t>(threads, 1);
  double bytes = v * row;  // input vectors
  const bool hs = uses_tree(o.loss);
  bytes += (hs ? std::max(v - 1, 1.0) : v) * row;
  if (o.loss == OutputLoss::hs_and_ns) bytes += v * row;
  // Huffman codes and points: depth about log2(V) + a few, 5 bytes per level, built via
  // per-word vectors (about twice that at the peak).
  if (hs) bytes += v * 2 * 5 * (std::log2(std::max(v, 2.0)) + 4) + v * 64;
  bytes += v * (8 + 4 + 8);  // unigram sampler, keep probabilities, log expected counts
  bytes += v * 48;           // the vocabulary's words and index
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

void check_training_memory(std::size_t vocabulary_size, const TrainerOptions& options,
                           std::size_t threads, std::optional<std::uint64_t> max_memory,
                           const std::string& max_memory_text) {
  const double estimate = estimate_training_memory(vocabulary_size, options, threads);
  if (max_memory && estimate > double(*max_memory)) {
    throw ResourceError("training needs about " + format_bytes(estimate) +
                        ", more than --max-memory " + max_memory_text);
  }
  if (const std::optional<std::uint64_t> available = available_memory();
      available && estimate > double(*available)) {
    throw ResourceError("training needs about " + format_bytes(estimate) +
                        ", more than the available memory (" + format_bytes(double(*available)) +
                        ")");
  }
}

}  // namespace slide::w2v
