#pragma once

// Seeded row orders and row subsets of a data set. XC files are often sorted by label, so a
// training order or an evaluation subset must be drawn at random, never "the first k rows".
// The results depend only on (n, k, seed): the generator is our own (SplitMix64 with Lemire's
// unbiased bounded draw), not the standard library's implementation-defined distributions.

#include <cstdint>
#include <vector>

namespace slide::xc {

// A uniformly random permutation of 0..n-1 (Fisher-Yates).
std::vector<std::uint64_t> random_permutation(std::uint64_t n, std::uint64_t seed);

// k distinct row indices drawn uniformly from 0..n-1, in increasing order (Knuth's selection
// sampling, one pass). k >= n gives all rows.
std::vector<std::uint64_t> random_subset(std::uint64_t n, std::uint64_t k, std::uint64_t seed);

}  // namespace slide::xc
