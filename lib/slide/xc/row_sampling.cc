#include "slide/xc/row_sampling.h"

#include <numeric>
#include <utility>

namespace slide::xc {
namespace {

__extension__ typedef unsigned __int128 Uint128;  // GCC/Clang; __extension__ keeps -Wpedantic quiet

class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) : state_(seed) {}

  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }

  // Uniform in [0, bound), bound > 0, without modulo bias (Lemire 2019).
  std::uint64_t below(std::uint64_t bound) {
    Uint128 m = static_cast<Uint128>(next()) * bound;
    auto low = static_cast<std::uint64_t>(m);
    if (low < bound) {
      const std::uint64_t threshold = (0 - bound) % bound;
      while (low < threshold) {
        m = static_cast<Uint128>(next()) * bound;
        low = static_cast<std::uint64_t>(m);
      }
    }
    return static_cast<std::uint64_t>(m >> 64);
  }

 private:
  std::uint64_t state_;
};

}  // namespace

std::vector<std::uint64_t> random_permutation(std::uint64_t n, std::uint64_t seed) {
  std::vector<std::uint64_t> order(n);
  std::iota(order.begin(), order.end(), std::uint64_t{0});
  SplitMix64 rng(seed);
  for (std::uint64_t i = n; i > 1; --i) std::swap(order[i - 1], order[rng.below(i)]);
  return order;
}

std::vector<std::uint64_t> random_subset(std::uint64_t n, std::uint64_t k, std::uint64_t seed) {
  if (k >= n) {
    std::vector<std::uint64_t> all(n);
    std::iota(all.begin(), all.end(), std::uint64_t{0});
    return all;
  }
  std::vector<std::uint64_t> chosen;
  chosen.reserve(k);
  SplitMix64 rng(seed);
  // Row i is taken with probability (still needed) / (still left): exactly k rows, uniformly.
  for (std::uint64_t i = 0; i < n && chosen.size() < k; ++i)
    if (rng.below(n - i) < k - chosen.size()) chosen.push_back(i);
  return chosen;
}

}  // namespace slide::xc
