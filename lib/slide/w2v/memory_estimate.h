#pragma once

// What a word2vec run will allocate, checked before it allocates, so that a run that cannot fit is
// refused up front instead of failing half-way.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "slide/w2v/options.h"

namespace slide::w2v {

// Bytes a run will allocate, roughly (within ~10 %): the input and output matrices, the tables of
// the loss (Huffman codes, unigram sampler, LSH buckets), per-thread scratch and the blocks in
// flight.
double estimate_training_memory(std::size_t vocabulary_size, const TrainerOptions& options,
                                std::size_t threads);

// ResourceError when the estimate exceeds max_memory (described as given, e.g. "800M") or the
// memory available to the process.
void check_training_memory(std::size_t vocabulary_size, const TrainerOptions& options,
                           std::size_t threads, std::optional<std::uint64_t> max_memory,
                           const std::string& max_memory_text);

}  // namespace slide::w2v
