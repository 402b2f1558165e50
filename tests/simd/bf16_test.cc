// float <-> bfloat16 conversion of every kernel set, bit for bit against an independent
// reference (simd_test_util.h), over the special values and millions of random bit patterns.
#include <gtest/gtest.h>

#include <memory>
#include <random>
#include <vector>

#include "simd/simd_test_util.h"
#include "slide/simd/dispatch.h"

namespace slide::simd {
namespace {

using testing::bits_to_float;
using testing::float_to_bits;
using testing::GuardedBuffer;
using testing::reference_bf16;

class Bf16Test : public ::testing::TestWithParam<KernelSet> {
 protected:
  void SetUp() override {
    if (!is_supported(GetParam())) {
      GTEST_SKIP() << "kernel set " << kernel_set_name(GetParam()) << " is not supported here";
    }
    k_ = &kernels_for(GetParam());
  }
  const Kernels& k() const { return *k_; }

  // Converts in chunks of varying length so every tail path sees the values.
  void expect_matches_reference(const std::vector<std::uint32_t>& bits) {
    constexpr std::size_t kMaxChunk = 67;
    // One guarded pair per chunk length, reused (mapping pages per chunk would dominate).
    std::vector<std::unique_ptr<GuardedBuffer<float>>> ins(kMaxChunk + 1);
    std::vector<std::unique_ptr<GuardedBuffer<bf16>>> outs(kMaxChunk + 1);
    std::size_t start = 0, chunk = 1;
    while (start < bits.size()) {
      const std::size_t n = std::min(chunk, bits.size() - start);
      if (!ins[n]) {
        ins[n] = std::make_unique<GuardedBuffer<float>>(n);
        outs[n] = std::make_unique<GuardedBuffer<bf16>>(n);
      }
      GuardedBuffer<float>& in = *ins[n];
      GuardedBuffer<bf16>& out = *outs[n];
      for (std::size_t i = 0; i < n; ++i) in[i] = bits_to_float(bits[start + i]);
      k().f32_to_bf16(in.data(), out.data(), n);
      for (std::size_t i = 0; i < n; ++i) {
        ASSERT_EQ(out[i], reference_bf16(in[i]))
            << std::hex << "input bits 0x" << bits[start + i] << " (chunk " << std::dec << n << ")";
      }
      start += n;
      chunk = chunk % kMaxChunk + 1;
    }
  }

 private:
  const Kernels* k_ = nullptr;
};

INSTANTIATE_TEST_SUITE_P(AllSets, Bf16Test,
                         ::testing::Values(KernelSet::scalar, KernelSet::avx2, KernelSet::avx512,
                                           KernelSet::avx512_bf16, KernelSet::amx),
                         [](const auto& param_info) {
                           return testing::set_test_name(param_info.param);
                         });

TEST(Bf16Reference, KnownRoundings) {
  // The reference itself, on hand-checked cases.
  EXPECT_EQ(reference_bf16(bits_to_float(0x3F808000u)), 0x3F80);  // tie, even below: down
  EXPECT_EQ(reference_bf16(bits_to_float(0x3F818000u)), 0x3F82);  // tie, odd below: up
  EXPECT_EQ(reference_bf16(bits_to_float(0x3F808001u)), 0x3F81);  // just above the tie
  EXPECT_EQ(reference_bf16(bits_to_float(0x3F817FFFu)), 0x3F81);  // just below the tie
  EXPECT_EQ(reference_bf16(bits_to_float(0x7F7FFFFFu)), 0x7F80);  // max float -> inf
  EXPECT_EQ(reference_bf16(bits_to_float(0x7F7F7FFFu)), 0x7F7F);  // stays max finite bf16
  EXPECT_EQ(reference_bf16(bits_to_float(0xFF7F8000u)), 0xFF80);  // tie at the top -> -inf
  EXPECT_EQ(reference_bf16(bits_to_float(0x7F800001u)), 0x7FC0);  // signalling NaN -> quiet
  EXPECT_EQ(reference_bf16(bits_to_float(0xFF812345u)), 0xFFC1);  // sign and payload kept
  EXPECT_EQ(reference_bf16(bits_to_float(0x00008000u)), 0x0000);  // denormal tie, even: down
  EXPECT_EQ(reference_bf16(bits_to_float(0x00018000u)), 0x0002);  // denormal tie, odd: up
  EXPECT_EQ(reference_bf16(bits_to_float(0x007FFFFFu)), 0x0080);  // largest denormal -> FLT_MIN
}

TEST_P(Bf16Test, SpecialValues) {
  std::vector<std::uint32_t> bits = {
      0x00000000u, 0x80000000u,                            // +-0
      0x7F800000u, 0xFF800000u,                            // +-inf
      0x7FC00000u, 0xFFC00000u, 0x7FFFFFFFu, 0xFFFFFFFFu,  // quiet NaNs
      0x7F800001u, 0xFF800001u, 0x7F80FFFFu, 0x7FBFFFFFu,  // signalling NaNs (payload low/high)
      0x7F7FFFFFu, 0xFF7FFFFFu, 0x7F7F8000u, 0x7F7F7FFFu,  // max finite: to inf, tie, below
      0x00000001u, 0x80000001u, 0x007FFFFFu, 0x807FFFFFu,  // denormals
      0x00008000u, 0x00018000u, 0x00008001u, 0x00017FFFu,  // denormal ties and neighbours
      0x00800000u, 0x80800000u, 0x00807FFFu, 0x00808000u,  // smallest normals
      0x3F800000u, 0x3F808000u, 0x3F818000u, 0xBF808000u,  // ties to even, both directions
      0xBF818000u, 0x3F808001u, 0x3F817FFFu, 0x4049FFFFu,
  };
  expect_matches_reference(bits);
}

TEST_P(Bf16Test, RandomBitPatterns) {
  std::mt19937_64 rng(31);
  std::vector<std::uint32_t> bits(1 << 22);
  for (auto& b : bits) b = static_cast<std::uint32_t>(rng());
  // Half of them with the low 16 bits at or next to the tie, where rounding errors hide.
  for (std::size_t i = 0; i < bits.size(); i += 2) {
    bits[i] = (bits[i] & 0xFFFF0000u) | (0x8000u + static_cast<std::uint32_t>(rng() % 3) - 1u);
  }
  expect_matches_reference(bits);
}

TEST_P(Bf16Test, WideningIsExactForEveryPattern) {
  std::vector<bf16> all(1 << 16);
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<bf16>(i);
  std::vector<float> out(all.size());
  k().bf16_to_f32(all.data(), out.data(), all.size());
  for (std::size_t i = 0; i < all.size(); ++i) {
    ASSERT_EQ(float_to_bits(out[i]), std::uint32_t(i) << 16) << i;
  }
  for (std::size_t n = 0; n <= 40; ++n) {  // tails
    GuardedBuffer<bf16> in(n);
    GuardedBuffer<float> res(n);
    for (std::size_t i = 0; i < n; ++i) in[i] = static_cast<bf16>(0x3F80 + i * 977);
    k().bf16_to_f32(in.data(), res.data(), n);
    for (std::size_t i = 0; i < n; ++i)
      ASSERT_EQ(float_to_bits(res[i]), std::uint32_t{in[i]} << 16);
  }
}

TEST_P(Bf16Test, RoundTripOfRepresentableValuesIsIdentity) {
  std::vector<bf16> all;
  for (std::uint32_t i = 0; i < (1u << 16); ++i) {
    const float f = bits_to_float(i << 16);
    if (!std::isnan(f)) all.push_back(static_cast<bf16>(i));
  }
  std::vector<float> wide(all.size());
  std::vector<bf16> back(all.size());
  k().bf16_to_f32(all.data(), wide.data(), all.size());
  k().f32_to_bf16(wide.data(), back.data(), all.size());
  EXPECT_EQ(back, all);
}

}  // namespace
}  // namespace slide::simd
