#pragma once

// Small, seedable random numbers for the LSH layer. Every random choice in slide::lsh derives
// from an explicit seed (never a global generator), and parallel code derives per-item seeds with
// mix_seed(seed, item, ...) so that results do not depend on which thread ran which item.

#include <cmath>
#include <cstdint>

namespace slide::lsh {

// The SplitMix64 finaliser: a bijective 64-bit mixer with good avalanche.
constexpr std::uint64_t mix64(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// A seed for a sub-task, e.g. mix_seed(seed, table, bucket): distinct inputs give unrelated seeds.
constexpr std::uint64_t mix_seed(std::uint64_t seed, std::uint64_t a) {
  return mix64(seed ^ mix64(a + 0x632be59bd9b4e019ULL));
}
constexpr std::uint64_t mix_seed(std::uint64_t seed, std::uint64_t a, std::uint64_t b) {
  return mix_seed(mix_seed(seed, a), b);
}
constexpr std::uint64_t mix_seed(std::uint64_t seed, std::uint64_t a, std::uint64_t b,
                                 std::uint64_t c) {
  return mix_seed(mix_seed(seed, a, b), c);
}

// SplitMix64 generator: 8 bytes of state, cheap to create per example or per task.
class Rng {
 public:
  explicit constexpr Rng(std::uint64_t seed) : state_(seed) {}

  constexpr std::uint64_t next() {
    state_ += 0x9e3779b97f4a7c15ULL;
    std::uint64_t z = state_;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }

  // Uniform in [0, bound), bound > 0, without modulo bias (Lemire's multiply-and-reject).
  std::uint64_t uniform(std::uint64_t bound) {
    if (bound <= 0xffffffffULL) {
      std::uint64_t m = (next() >> 32) * bound;
      auto low = static_cast<std::uint32_t>(m);
      if (low < bound) {
        const auto threshold = static_cast<std::uint32_t>((0x100000000ULL - bound) % bound);
        while (low < threshold) {
          m = (next() >> 32) * bound;
          low = static_cast<std::uint32_t>(m);
        }
      }
      return m >> 32;
    }
    // Bounds above 2^32 are rare here: plain rejection on a power-of-two mask.
    std::uint64_t mask = bound - 1;
    mask |= mask >> 1; mask |= mask >> 2; mask |= mask >> 4;
    mask |= mask >> 8; mask |= mask >> 16; mask |= mask >> 32;
    for (;;) {
      const std::uint64_t r = next() & mask;
      if (r < bound) return r;
    }
  }

  // Uniform in [0, 1) with 53 random bits.
  double uniform01() { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

  // Standard normal (Marsaglia's polar method; the spare value is dropped to keep the state
  // a single word, which costs nothing that matters here).
  double normal() {
    for (;;) {
      const double u = 2.0 * uniform01() - 1.0;
      const double v = 2.0 * uniform01() - 1.0;
      const double s = u * u + v * v;
      if (s > 0.0 && s < 1.0) return u * std::sqrt(-2.0 * std::log(s) / s);
    }
  }

 private:
  std::uint64_t state_;
};

}  // namespace slide::lsh
