#pragma once

// The engine's pseudo-random generator: xoshiro256** (Blackman & Vigna) seeded through
// splitmix64. There is no global generator: every random choice draws from an Rng built from the
// run's seed and the coordinates of the work item, e.g. Rng(seed, epoch, batch, example), so a
// result never depends on which thread ran the item. Streams with different coordinates are
// statistically independent for practical purposes (each coordinate is mixed by splitmix64).

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <limits>

namespace slide {

// One step of splitmix64 (Steele, Lea & Flood): a bijective 64-bit mixer.
constexpr std::uint64_t splitmix64(std::uint64_t& state) {
  std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

// Mixes a seed and a list of stream coordinates into one 64-bit key.
constexpr std::uint64_t mix_seed(std::uint64_t seed, std::initializer_list<std::uint64_t> stream) {
  std::uint64_t state = seed;
  std::uint64_t key = splitmix64(state);
  for (std::uint64_t coordinate : stream) {
    std::uint64_t s = key ^ (coordinate + 0x632BE59BD9B4E019ull);
    key = splitmix64(s);
  }
  return key;
}

class Rng {
 public:
  using result_type = std::uint64_t;

  // Rng(seed), Rng(seed, epoch), Rng(seed, epoch, batch, example), ...
  template <typename... Stream>
  explicit Rng(std::uint64_t seed, Stream... stream) {
    reseed(mix_seed(seed, {static_cast<std::uint64_t>(stream)...}));
  }

  static constexpr result_type min() { return 0; }
  static constexpr result_type max() { return std::numeric_limits<result_type>::max(); }
  result_type operator()() { return next_u64(); }

  std::uint64_t next_u64() {
    const std::uint64_t result = rotl(s_[1] * 5, 7) * 9;
    const std::uint64_t t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return result;
  }
  std::uint32_t next_u32() { return static_cast<std::uint32_t>(next_u64() >> 32); }

  // Uniform integer in [0, bound), bound > 0, without modulo bias (Lemire 2019).
  std::uint32_t uniform(std::uint32_t bound) {
    std::uint64_t m = std::uint64_t{next_u32()} * bound;
    auto low = static_cast<std::uint32_t>(m);
    if (low < bound) {
      const std::uint32_t threshold = static_cast<std::uint32_t>(-bound) % bound;
      while (low < threshold) {
        m = std::uint64_t{next_u32()} * bound;
        low = static_cast<std::uint32_t>(m);
      }
    }
    return static_cast<std::uint32_t>(m >> 32);
  }
  // Uniform 64-bit integer in [0, bound), bound > 0 (rejection on the top bits).
  std::uint64_t uniform64(std::uint64_t bound) {
    if (bound <= std::numeric_limits<std::uint32_t>::max()) {
      return uniform(static_cast<std::uint32_t>(bound));
    }
    const std::uint64_t limit = max() - max() % bound;
    std::uint64_t x;
    do x = next_u64();
    while (x >= limit);
    return x % bound;
  }
  // Uniform float in [0, 1) with 24 random bits.
  float uniform_float() { return static_cast<float>(next_u64() >> 40) * 0x1.0p-24f; }
  // Uniform double in [0, 1) with 53 random bits.
  double uniform_double() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }
  // Standard normal deviate (Box-Muller; one of the pair is discarded to keep the state simple).
  double normal() {
    double u1;
    do u1 = uniform_double();
    while (u1 <= 0.0);
    const double u2 = uniform_double();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }
  // Two independent standard normal deviates (both of the Box-Muller pair: half the cost per
  // deviate of normal(), for bulk initialisation).
  void normal_pair(double& a, double& b) {
    double u1;
    do u1 = uniform_double();
    while (u1 <= 0.0);
    const double r = std::sqrt(-2.0 * std::log(u1));
    const double theta = 6.283185307179586 * uniform_double();
    a = r * std::cos(theta);
    b = r * std::sin(theta);
  }

  // Fisher-Yates shuffle with this generator (std::shuffle's result differs between standard
  // libraries; this one does not).
  template <typename T>
  void shuffle(T* data, std::size_t n) {
    for (std::size_t i = n; i > 1; --i) {
      const std::size_t j = uniform64(i);
      T tmp = data[i - 1];
      data[i - 1] = data[j];
      data[j] = tmp;
    }
  }

 private:
  static constexpr std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  void reseed(std::uint64_t key) {
    for (auto& word : s_) word = splitmix64(key);
  }
  std::uint64_t s_[4];
};

}  // namespace slide
