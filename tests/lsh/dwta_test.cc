#include "slide/lsh/dwta.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <vector>

#include "lsh/test_util.h"

namespace slide::lsh {
namespace {

using testing::standard_error;

LshConfig dwta_config(std::uint32_t k, std::uint32_t l, std::uint64_t seed = 29) {
  LshConfig c;
  c.family = HashFamily::dwta;
  c.k = k;
  c.l = l;
  c.bin_size = 8;
  c.seed = seed;
  return c;
}

struct SparseVector {
  std::vector<std::uint32_t> index;
  std::vector<float> value;
};

// Two sparse vectors of `nnz` entries in `dim` dimensions sharing `shared` dimensions, with
// values correlated by rho on the shared ones.
void sparse_pair(std::size_t dim, std::size_t nnz, std::size_t shared, double rho, Rng& rng,
                 SparseVector& a, SparseVector& b) {
  std::vector<std::uint32_t> dims;
  std::set<std::uint32_t> used;
  while (dims.size() < 2 * nnz - shared) {
    const auto d = static_cast<std::uint32_t>(rng.uniform64(dim));
    if (used.insert(d).second) dims.push_back(d);
  }
  a = {};
  b = {};
  const double s = std::sqrt(1 - rho * rho);
  for (std::size_t i = 0; i < shared; ++i) {
    const double x = rng.normal();
    a.index.push_back(dims[i]);
    a.value.push_back(static_cast<float>(x));
    b.index.push_back(dims[i]);
    b.value.push_back(static_cast<float>(rho * x + s * rng.normal()));
  }
  for (std::size_t i = shared; i < nnz; ++i) {
    a.index.push_back(dims[i]);
    a.value.push_back(static_cast<float>(rng.normal()));
    b.index.push_back(dims[i + nnz - shared]);
    b.value.push_back(static_cast<float>(rng.normal()));
  }
}

TEST(Dwta, SparseInputsGetNoEmptyCodes) {
  const DwtaHash hash(dwta_config(6, 50), 10000);
  Rng rng(1);
  std::vector<std::uint32_t> raw(300), codes(300);
  for (std::size_t nnz : {1, 2, 5, 30}) {
    SparseVector v, unused;
    sparse_pair(10000, nnz, nnz, 1.0, rng, v, unused);
    hash.raw_codes_sparse(v.index.data(), v.value.data(), nnz, raw.data());
    const auto empty = std::count(raw.begin(), raw.end(), kEmptyCode);
    EXPECT_GT(empty, 200) << "the test should exercise densification, nnz " << nnz;
    hash.codes_sparse(v.index.data(), v.value.data(), nnz, codes.data());
    std::set<std::uint32_t> real;
    for (std::uint32_t c : raw)
      if (c != kEmptyCode) real.insert(c);
    for (std::uint32_t b = 0; b < 300; ++b) {
      ASSERT_LT(codes[b], 8U) << "empty code left, nnz " << nnz;
      if (raw[b] != kEmptyCode)
        EXPECT_EQ(codes[b], raw[b]);
      else
        EXPECT_TRUE(real.count(codes[b])) << "a borrowed code must come from a non-empty bin";
    }
  }
}

TEST(Dwta, DenseFormEqualsSparseFormAndZerosAreMissing) {
  const DwtaHash hash(dwta_config(4, 20), 200);
  Rng rng(2);
  std::vector<std::uint32_t> kd(20), ks(20);
  for (int trial = 0; trial < 40; ++trial) {
    std::vector<float> x(200, 0.0F);
    SparseVector v;
    for (std::uint32_t d = 0; d < 200; ++d)
      if (rng.uniform64(10) == 0) {
        // Negative values: a zero must not beat them, which WTA would let it do.
        x[d] = -1.0F - static_cast<float>(rng.uniform_double());
        v.index.push_back(d);
        v.value.push_back(x[d]);
      }
    hash.hash_dense(x.data(), kd.data());
    hash.hash_sparse(v.index.data(), v.value.data(), v.index.size(), ks.data());
    EXPECT_EQ(kd, ks);
    std::reverse(v.index.begin(), v.index.end());  // order of the non-zeros does not matter
    std::reverse(v.value.begin(), v.value.end());
    hash.hash_sparse(v.index.data(), v.value.data(), v.index.size(), ks.data());
    EXPECT_EQ(kd, ks);
  }
}

TEST(Dwta, CollisionGrowsWithSimilarityOnSparsePairs) {
  const DwtaHash hash(dwta_config(6, 50), 5000);
  constexpr int kPairs = 150;
  const double trials = kPairs * 300.0;
  std::vector<std::uint32_t> ca(300), cb(300);
  std::vector<double> rates;
  // Overlap of the supports and correlation of the shared values both grow.
  const std::vector<std::pair<std::size_t, double>> levels = {
      {0, 0.0}, {20, 0.5}, {30, 0.8}, {40, 0.98}};
  for (const auto& [shared, rho] : levels) {
    Rng rng(7);
    double same = 0;
    for (int p = 0; p < kPairs; ++p) {
      SparseVector a, b;
      sparse_pair(5000, 40, shared, rho, rng, a, b);
      hash.codes_sparse(a.index.data(), a.value.data(), 40, ca.data());
      hash.codes_sparse(b.index.data(), b.value.data(), 40, cb.data());
      for (std::uint32_t j = 0; j < 300; ++j) same += ca[j] == cb[j];
    }
    rates.push_back(same / trials);
  }
  for (std::size_t i = 1; i < rates.size(); ++i) {
    const double se =
        std::hypot(standard_error(rates[i], trials), standard_error(rates[i - 1], trials));
    EXPECT_GT(rates[i] - rates[i - 1], 4 * se) << "level " << i;
  }
  EXPECT_GT(rates.back(), 0.8);
  EXPECT_LT(rates.front(), 0.2);
}

TEST(Dwta, DensificationIsSharedBetweenInputsWithTheSameNonEmptyBins) {
  // Same support and same argmax per non-empty bin, different values: every code agrees,
  // including the borrowed ones.
  const DwtaHash hash(dwta_config(6, 50), 3000);
  Rng rng(8);
  SparseVector a, b;
  sparse_pair(3000, 10, 10, 1.0, rng, a, b);
  for (float& v : b.value) v = 2.0F * v + 1000.0F;  // monotone: same argmax
  std::vector<std::uint32_t> ka(50), kb(50);
  hash.hash_sparse(a.index.data(), a.value.data(), 10, ka.data());
  hash.hash_sparse(b.index.data(), b.value.data(), 10, kb.data());
  EXPECT_EQ(ka, kb);
}

TEST(Dwta, WideInputsWidenTheBinsToCoverEveryDimension) {
  const DwtaHash narrow(dwta_config(6, 50), 128);
  EXPECT_EQ(narrow.width(), 8U);
  const DwtaHash wide(dwta_config(6, 50), 10000);
  EXPECT_EQ(wide.width(), 34U);  // ceil(10000 / 300)
  std::vector<int> covered(10000, 0);
  for (std::uint32_t b = 0; b < 300; ++b)
    for (std::uint32_t d : wide.layout().bin(b)) ++covered[d];
  EXPECT_LE(std::count(covered.begin(), covered.end(), 0), 34) << "at most one bin's worth unused";
}

TEST(Dwta, AllZeroInputGetsDefinedKeys) {
  const DwtaHash hash(dwta_config(3, 5), 100);
  std::vector<float> zero(100, 0.0F);
  std::vector<std::uint32_t> keys(5, 77);
  hash.hash_dense(zero.data(), keys.data());
  for (std::uint32_t k : keys) EXPECT_EQ(k, 0U);
  hash.hash_sparse(nullptr, nullptr, 0, keys.data());
  for (std::uint32_t k : keys) EXPECT_EQ(k, 0U);
}

}  // namespace
}  // namespace slide::lsh
