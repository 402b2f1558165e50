#include "slide/nn/topk_scan.h"

#include <gtest/gtest.h>

#include <limits>
#include <vector>

#include "slide/core/random.h"
#include "slide/simd/dispatch.h"

namespace slide::nn::detail {
namespace {

void run(TopkScanFn scan, const std::vector<float>& c, const std::vector<float>* bias,
         std::size_t k, std::vector<float>& scores, std::vector<std::uint32_t>& ids) {
  scores.assign(k, -std::numeric_limits<float>::infinity());
  ids.assign(k, 0xFFFFFFFFu);
  // Two calls, as the predictor sweeps output blocks.
  const std::size_t half = c.size() / 2;
  scan(c.data(), bias ? bias->data() : nullptr, half, 100, scores.data(), ids.data(), k);
  scan(c.data() + half, bias ? bias->data() + half : nullptr, c.size() - half,
       static_cast<std::uint32_t>(100 + half), scores.data(), ids.data(), k);
}

TEST(TopkScan, Avx512MatchesPortableAndBruteForce) {
  if (!simd::is_supported(simd::KernelSet::avx512)) GTEST_SKIP() << "no AVX-512 here";
  Rng rng(3);
  for (std::size_t n : {1u, 15u, 16u, 17u, 100u, 1000u, 4099u}) {
    for (std::size_t k : {1u, 5u, 20u}) {
      std::vector<float> c(n), bias(n);
      // Coarse values: many ties, which must resolve to the smaller id in both versions.
      for (auto& x : c) x = static_cast<float>(rng.uniform(50)) * 0.5f;
      for (auto& x : bias) x = static_cast<float>(rng.uniform(3));
      for (const std::vector<float>* b : {static_cast<const std::vector<float>*>(nullptr),
                                          static_cast<const std::vector<float>*>(&bias)}) {
        std::vector<float> s1, s2;
        std::vector<std::uint32_t> i1, i2;
        run(topk_scan_portable, c, b, k, s1, i1);
        run(topk_scan_avx512, c, b, k, s2, i2);
        ASSERT_EQ(i1, i2) << "n=" << n << " k=" << k;
        ASSERT_EQ(s1, s2);
        // Brute force: the best score, ties to the smallest id.
        std::size_t best = 0;
        for (std::size_t j = 1; j < n; ++j) {
          const float vj = c[j] + (b ? bias[j] : 0.0f), vb = c[best] + (b ? bias[best] : 0.0f);
          if (vj > vb) best = j;
        }
        EXPECT_EQ(i1[0], 100 + best);
      }
    }
  }
}

}  // namespace
}  // namespace slide::nn::detail
