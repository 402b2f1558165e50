#pragma once

// Test helpers for the kernel tests: buffers that end at an unreadable page (so a kernel reading
// or writing one element past the end crashes instead of passing), random data, the float64
// references and an independent float -> bfloat16 reference.

#include <sys/mman.h>
#include <unistd.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <ostream>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "slide/simd/dispatch.h"
#include "slide/simd/kernels.h"

namespace slide::simd::testing {

inline constexpr double kU = 0x1p-24;  // unit roundoff of binary32

// n elements placed so that element n lies on a PROT_NONE page.
template <typename T>
class GuardedBuffer {
 public:
  explicit GuardedBuffer(std::size_t n) : n_(n) {
    const std::size_t page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
    const std::size_t bytes = n * sizeof(T);
    const std::size_t data_pages = (bytes + page - 1) / page;
    total_ = (data_pages + 1) * page;
    void* base = mmap(nullptr, total_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (base == MAP_FAILED) throw std::runtime_error("mmap failed");
    base_ = static_cast<char*>(base);
    if (mprotect(base_ + data_pages * page, page, PROT_NONE) != 0) {
      munmap(base_, total_);
      throw std::runtime_error("mprotect failed");
    }
    data_ = reinterpret_cast<T*>(base_ + data_pages * page - bytes);
  }
  GuardedBuffer(const GuardedBuffer&) = delete;
  GuardedBuffer& operator=(const GuardedBuffer&) = delete;
  ~GuardedBuffer() { munmap(base_, total_); }

  T* data() { return data_; }
  const T* data() const { return data_; }
  std::size_t size() const { return n_; }
  T& operator[](std::size_t i) { return data_[i]; }
  const T& operator[](std::size_t i) const { return data_[i]; }

 private:
  std::size_t n_;
  std::size_t total_ = 0;
  char* base_ = nullptr;
  T* data_ = nullptr;
};

// Every length 0..64 (all tail lengths of 8-, 16- and 32-wide loops) plus random ones up to 1000.
inline std::vector<std::size_t> test_lengths(std::uint64_t seed, int extra = 24) {
  std::vector<std::size_t> lengths;
  for (std::size_t n = 0; n <= 64; ++n) lengths.push_back(n);
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<std::size_t> dist(65, 1000);
  for (int i = 0; i < extra; ++i) lengths.push_back(dist(rng));
  lengths.push_back(128);
  lengths.push_back(200);
  lengths.push_back(1000);
  return lengths;
}

// Values of varied magnitude (2^-4 .. 2^4), both signs: products stay normal floats.
inline float random_value(std::mt19937_64& rng) {
  std::uniform_real_distribution<float> mantissa(-1.0f, 1.0f);
  std::uniform_int_distribution<int> exponent(-4, 4);
  return std::ldexp(mantissa(rng), exponent(rng));
}

template <typename Buffer>
void fill_random(Buffer& buffer, std::mt19937_64& rng) {
  for (std::size_t i = 0; i < buffer.size(); ++i) buffer[i] = random_value(rng);
}

inline float bits_to_float(std::uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, sizeof f);
  return f;
}
inline std::uint32_t float_to_bits(float f) {
  std::uint32_t bits;
  std::memcpy(&bits, &f, sizeof bits);
  return bits;
}
inline float bf16_value(bf16 h) {
  return bits_to_float(std::uint32_t{h} << 16);
}

// Independent reference for float -> bfloat16: pick the nearer of the two bf16 neighbours by
// exact distance in double, ties to the even one; the neighbour above the largest finite bf16 is
// 2^128 (IEEE rounds as with an unbounded exponent, then overflows to inf). NaN keeps its sign
// and upper payload and is made quiet.
inline bf16 reference_bf16(float f) {
  const std::uint32_t bits = float_to_bits(f);
  if (std::isnan(f)) return static_cast<bf16>((bits >> 16) | 0x40u);
  if (std::isinf(f)) return static_cast<bf16>(bits >> 16);
  const std::uint32_t sign = bits & 0x80000000u;
  const std::uint32_t mag = bits & 0x7FFFFFFFu;
  const std::uint32_t down = mag & 0xFFFF0000u;
  const std::uint32_t up = down + 0x10000u;
  const double x = bits_to_float(mag);
  const double low = bits_to_float(down);
  const double high = up == 0x7F800000u ? std::ldexp(1.0, 128) : double(bits_to_float(up));
  std::uint32_t chosen;
  if (x - low < high - x) {
    chosen = down;
  } else if (x - low > high - x) {
    chosen = up;
  } else {
    chosen = (down & 0x10000u) ? up : down;
  }
  return static_cast<bf16>((sign | chosen) >> 16);
}

// |computed - exact| bound for a float sum of n products accumulated in any tree order (depth at
// most n) with or without FMA: gamma_n applied to sum |a_i b_i|, with 1% slack for the second
// order terms and the float64 reference's own rounding.
inline double dot_bound(std::size_t n, double abs_sum) {
  return 1.01 * double(n + 2) * kU * abs_sum + 1e-300;
}

inline std::string set_test_name(KernelSet set) {
  std::string name = kernel_set_name(set);
  for (char& c : name) {
    if (c == '-') c = '_';
  }
  return name;
}

}  // namespace slide::simd::testing

namespace slide::simd {
// Readable parameter values in gtest failure messages.
inline void PrintTo(KernelSet set, std::ostream* os) {
  *os << kernel_set_name(set);
}
}  // namespace slide::simd
