#pragma once

// Input dropout over a whole epoch: the epoch trains on a copy of the data in which each feature
// is kept with probability 1 - p and scaled by 1 / (1 - p). The draws come from
// Rng(seed, stream, epoch, row), so the copy depends neither on the threads nor on where a run
// was resumed.

#include <cstdint>

#include "slide/core/csr_matrix.h"

namespace slide::xc {

// Into `out`, whose previous contents are released before the copy is made.
void drop_features(const SparseDataset& data, double p, std::uint64_t seed, std::uint64_t epoch,
                   SparseDataset& out);

}  // namespace slide::xc
