#pragma once

// Negative sampling distribution: id i is drawn with probability count_i^power / sum_j
// count_j^power (word2vec's unigram^0.75 table). word2vec.c fills a table of 1e8 ints (400 MB) and
// indexes it with random bits, which quantises the probabilities to multiples of 1e-8. We use
// Vose's alias method instead: one 8-byte entry per word, O(1) per draw, two memory reads, and
// probabilities exact up to the 32-bit coin. Like word2vec, every id takes part ("</s>" included,
// with its count); ids with count 0 are never drawn.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace slide::text {

class UnigramSampler {
 public:
  // Throws UsageError if every count is 0 or counts is empty, or if power < 0.
  explicit UnigramSampler(std::span<const std::uint64_t> counts, double power = 0.75);

  // Draws an id from 64 uniformly random bits (for example one splitmix64/xorshift output):
  // the low 32 bits pick a column, the high 32 bits flip the biased coin.
  std::uint32_t sample(std::uint64_t random) const noexcept {
    const auto column = static_cast<std::uint32_t>(
        (static_cast<std::uint64_t>(static_cast<std::uint32_t>(random)) * size_) >> 32);
    const Entry& entry = entries_[column];
    return static_cast<std::uint32_t>(random >> 32) < entry.threshold ? column : entry.alias;
  }

  std::size_t size() const { return entries_.size(); }
  // The exact probability of id under this sampler (for tests and diagnostics).
  double probability(std::uint32_t id) const;

 private:
  struct Entry {
    std::uint32_t threshold;  // keep the column when the coin is below this (out of 2^32)
    std::uint32_t alias;
  };
  std::vector<Entry> entries_;
  std::uint64_t size_ = 0;
};

}  // namespace slide::text
