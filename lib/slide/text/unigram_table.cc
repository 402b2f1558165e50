#include "slide/text/unigram_table.h"

#include <cmath>

#include "slide/core/error.h"

namespace slide::text {

UnigramSampler::UnigramSampler(std::span<const std::uint64_t> counts, double power) {
  if (power < 0) throw UsageError("unigram sampler: power must be >= 0");
  if (counts.empty() || counts.size() > 0xFFFFFFFFu) {
    throw UsageError("unigram sampler: needs between 1 and 2^32-1 words");
  }
  const std::size_t n = counts.size();
  std::vector<double> scaled(n);
  double total = 0;
  for (std::size_t i = 0; i < n; ++i) {
    scaled[i] = counts[i] == 0 ? 0.0 : std::pow(static_cast<double>(counts[i]), power);
    total += scaled[i];
  }
  if (!(total > 0)) throw UsageError("unigram sampler: every count is 0");
  for (double& p : scaled) p = p * static_cast<double>(n) / total;  // mean 1

  // Vose: pair each under-full column with an over-full one.
  entries_.resize(n);
  size_ = n;
  std::vector<std::uint32_t> small, large;
  for (std::uint32_t i = 0; i < n; ++i) (scaled[i] < 1.0 ? small : large).push_back(i);
  constexpr double kScale = 4294967296.0;  // 2^32
  auto threshold_of = [&](double p) {
    const double t = std::floor(p * kScale + 0.5);
    return t >= kScale ? 0xFFFFFFFFu : static_cast<std::uint32_t>(t);
  };
  while (!small.empty() && !large.empty()) {
    const std::uint32_t s = small.back();
    small.pop_back();
    const std::uint32_t l = large.back();
    entries_[s] = {threshold_of(scaled[s]), l};
    scaled[l] -= 1.0 - scaled[s];
    if (scaled[l] < 1.0) {
      large.pop_back();
      small.push_back(l);
    }
  }
  // What is left is full up to rounding: always keep the column.
  for (std::uint32_t i : large) entries_[i] = {0xFFFFFFFFu, i};
  for (std::uint32_t i : small) entries_[i] = {0xFFFFFFFFu, i};
  // A column of a never-drawn id that rounding left as "full" would be drawn: give it away.
  for (std::uint32_t i = 0; i < n; ++i) {
    if (counts[i] == 0 && entries_[i].alias == i) {
      for (std::uint32_t j = 0; j < n; ++j) {
        if (counts[j] != 0) {
          entries_[i] = {0, j};
          break;
        }
      }
    }
  }
}

double UnigramSampler::probability(std::uint32_t id) const {
  // Column c is chosen with probability 1/n (up to the multiply-shift's 2^-32 granularity); it
  // yields c with threshold/2^32 and its alias with the rest.
  double p = 0;
  const double n = static_cast<double>(size_);
  for (std::uint32_t c = 0; c < entries_.size(); ++c) {
    const double keep =
        (entries_[c].threshold + (entries_[c].threshold == 0xFFFFFFFFu ? 1.0 : 0.0)) / 4294967296.0;
    if (c == id) p += keep / n;
    if (entries_[c].alias == id && c != id) p += (1.0 - keep) / n;
  }
  return p;
}

}  // namespace slide::text
