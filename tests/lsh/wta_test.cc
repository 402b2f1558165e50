#include "slide/lsh/wta.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <vector>

#include "lsh/test_util.h"
#include "slide/core/error.h"
#include "slide/lsh/dwta.h"
#include "slide/simd/dispatch.h"

namespace slide::lsh {
namespace {

using testing::correlated_pair;
using testing::standard_error;

LshConfig wta_config(HashFamily family, std::uint32_t k, std::uint32_t l, std::uint32_t bin) {
  LshConfig c;
  c.family = family;
  c.k = k;
  c.l = l;
  c.bin_size = bin;
  c.seed = 23;
  return c;
}

// Per-code collision rate of pairs with coordinate correlation rho.
double code_collision(const HashFunctions& hash, double rho, int pairs, std::uint64_t seed) {
  Rng rng(seed);
  std::vector<float> x, y;
  std::vector<std::uint32_t> cx(hash.num_codes()), cy(hash.num_codes());
  double same = 0;
  for (int p = 0; p < pairs; ++p) {
    correlated_pair(hash.dim(), rho, rng, x, y);
    hash.codes_dense(x.data(), cx.data());
    hash.codes_dense(y.data(), cy.data());
    for (std::uint32_t j = 0; j < hash.num_codes(); ++j) same += cx[j] == cy[j];
  }
  return same / (static_cast<double>(pairs) * hash.num_codes());
}

TEST(Wta, CodeIsTheArgmaxOfItsBin) {
  const WtaHash hash(wta_config(HashFamily::wta, 3, 4, 8), 50);
  Rng rng(1);
  const auto x = testing::gaussian_vector(50, rng);
  std::vector<std::uint32_t> codes(12);
  hash.codes_dense(x.data(), codes.data());
  for (std::uint32_t b = 0; b < 12; ++b) {
    const auto dims = hash.layout().bin(b);
    ASSERT_EQ(dims.size(), 8U);
    EXPECT_EQ(std::set<std::uint32_t>(dims.begin(), dims.end()).size(), 8U) << "repeated dim";
    std::uint32_t arg = 0;
    for (std::uint32_t s = 1; s < 8; ++s)
      if (x[dims[s]] > x[dims[arg]]) arg = s;
    EXPECT_EQ(codes[b], arg);
  }
}

TEST(Wta, CollisionGrowsWithRankCorrelation) {
  const WtaHash hash(wta_config(HashFamily::wta, 6, 50, 8), 128);
  constexpr int kPairs = 100;
  const double trials = kPairs * 300.0;
  std::vector<double> rates;
  for (double rho : {0.0, 0.3, 0.6, 0.9}) rates.push_back(code_collision(hash, rho, kPairs, 9));
  // Independent vectors: the argmax positions agree by chance, 1 / bin_size.
  EXPECT_NEAR(rates[0], 1.0 / 8, 4 * standard_error(1.0 / 8, trials));
  for (std::size_t i = 1; i < rates.size(); ++i) {
    const double se =
        std::hypot(standard_error(rates[i], trials), standard_error(rates[i - 1], trials));
    EXPECT_GT(rates[i] - rates[i - 1], 4 * se) << "rho step " << i;
  }
}

TEST(Wta, SparseInputMeansZerosAndKeysPackExactly) {
  const WtaHash hash(wta_config(HashFamily::wta, 3, 6, 8), 64);
  Rng rng(2);
  std::vector<std::uint32_t> kd(6), ks(6), idx;
  std::vector<float> val;
  for (int trial = 0; trial < 30; ++trial) {
    std::vector<float> x(64, 0.0F);
    idx.clear();
    val.clear();
    for (std::uint32_t d = 0; d < 64; ++d)
      if (rng.uniform64(3) == 0) {
        x[d] = static_cast<float>(rng.normal());
        idx.push_back(d);
        val.push_back(x[d]);
      }
    hash.hash_dense(x.data(), kd.data());
    hash.hash_sparse(idx.data(), val.data(), idx.size(), ks.data());
    EXPECT_EQ(kd, ks);
    for (std::uint32_t key : kd) EXPECT_LT(key, 512U);  // 3 bits per code, K = 3
  }
}

TEST(Wta, EveryKeyIsReachable) {
  // 8^3 = 512 keys per table; random inputs reach all of them (no dead range of the key space).
  const WtaHash hash(wta_config(HashFamily::wta, 3, 4, 8), 64);
  EXPECT_EQ(hash.config().num_keys(), 512U);
  EXPECT_EQ(hash.config().key_bits(), 9U);
  Rng rng(3);
  std::vector<std::vector<bool>> seen(4, std::vector<bool>(512, false));
  std::vector<std::uint32_t> keys(4);
  for (int i = 0; i < 20000; ++i) {
    const auto x = testing::gaussian_vector(64, rng);
    hash.hash_dense(x.data(), keys.data());
    for (std::uint32_t t = 0; t < 4; ++t) seen[t][keys[t]] = true;
  }
  for (std::uint32_t t = 0; t < 4; ++t)
    EXPECT_EQ(std::count(seen[t].begin(), seen[t].end(), true), 512) << "table " << t;
}

TEST(Wta, NonPowerOfTwoBinsUseMixedRadix) {
  const WtaHash hash(wta_config(HashFamily::wta, 4, 3, 6), 30);
  EXPECT_EQ(hash.config().num_keys(), 6U * 6 * 6 * 6);
  Rng rng(4);
  std::vector<std::uint32_t> codes(12), keys(3);
  const auto x = testing::gaussian_vector(30, rng);
  hash.codes_dense(x.data(), codes.data());
  hash.hash_dense(x.data(), keys.data());
  for (std::uint32_t t = 0; t < 3; ++t)
    EXPECT_EQ(keys[t], ((codes[t * 4] * 6 + codes[t * 4 + 1]) * 6 + codes[t * 4 + 2]) * 6 +
                           codes[t * 4 + 3]);
}

TEST(Wta, BlockRowHashingEqualsPerVectorHashingInEveryKernelSet) {
  // DWTA at dim 1000 has 36 bins of 28 dimensions (reduced codes); the others 8-wide bins.
  const std::pair<HashFamily, std::size_t> cases[] = {
      {HashFamily::wta, 37}, {HashFamily::dwta, 37}, {HashFamily::dwta, 1000}};
  for (const auto& [family, dim] : cases) {
    const auto functions = make_hash_functions(wta_config(family, 4, 9, 8), dim);
    Rng rng(5);
    const std::size_t n = 45;  // two full blocks of 16 and a partial one
    const std::size_t stride = dim + 3;
    std::vector<float> rows(n * stride);
    for (float& v : rows) v = rng.uniform64(4) == 0 ? 0.0F : static_cast<float>(rng.normal());
    float* zero_row = rows.data() + 3 * stride;
    float* tie_row = rows.data() + 4 * stride;
    float* sparse_row = rows.data() + 5 * stride;
    for (std::size_t i = 0; i < dim; ++i) {
      zero_row[i] = 0.0F;                         // all missing for DWTA
      tie_row[i] = 1.0F;                          // all ties
      sparse_row[i] = i % 97 == 0 ? 1.0F : 0.0F;  // mostly empty bins: densification
    }
    std::vector<std::uint32_t> expected(9 * n), keys(9);
    for (std::size_t i = 0; i < n; ++i) {
      functions->hash_dense(rows.data() + i * stride, keys.data());
      for (std::uint32_t t = 0; t < 9; ++t) expected[t * n + i] = keys[t];
    }
    const simd::KernelSet before = simd::active_kernel_set();
    for (simd::KernelSet set : simd::supported_kernel_sets()) {
      simd::set_active_kernel_set(set);
      std::vector<std::uint32_t> got(9 * n, 0xdeadbeef);
      functions->hash_rows(rows.data(), stride, n, got.data(), n);
      EXPECT_EQ(got, expected) << family_name(family) << " dim " << dim << " "
                               << simd::kernel_set_name(set);
    }
    simd::set_active_kernel_set(before);
  }
}

TEST(Wta, RejectsBinsWiderThanTheInput) {
  EXPECT_THROW(WtaHash(wta_config(HashFamily::wta, 2, 2, 8), 5), UsageError);
  EXPECT_THROW(WtaHash(wta_config(HashFamily::wta, 2, 2, 1), 5), UsageError);
}

}  // namespace
}  // namespace slide::lsh
