// Every kernel of every kernel set against a float64 reference, on every length 0..64 and random
// longer ones, with error bounds derived from the length and the magnitudes. Sets this CPU cannot
// run are skipped (GTEST_SKIP), so AMX shows up as skipped on machines without it.
#include "slide/simd/kernels.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <numeric>
#include <random>
#include <utility>
#include <vector>

#include "simd/simd_test_util.h"
#include "slide/simd/dispatch.h"

namespace slide::simd {
namespace {

using testing::bf16_value;
using testing::dot_bound;
using testing::fill_random;
using testing::GuardedBuffer;
using testing::kU;
using testing::random_value;
using testing::reference_bf16;
using testing::test_lengths;

class KernelsTest : public ::testing::TestWithParam<KernelSet> {
 protected:
  void SetUp() override {
    if (!is_supported(GetParam())) {
      GTEST_SKIP() << "kernel set " << kernel_set_name(GetParam())
                   << " is not supported by this CPU/OS";
    }
    k_ = &kernels_for(GetParam());
  }
  const Kernels& k() const { return *k_; }

 private:
  const Kernels* k_ = nullptr;
};

INSTANTIATE_TEST_SUITE_P(AllSets, KernelsTest,
                         ::testing::Values(KernelSet::scalar, KernelSet::avx2, KernelSet::avx512,
                                           KernelSet::avx512_bf16, KernelSet::amx),
                         [](const auto& param_info) {
                           return testing::set_test_name(param_info.param);
                         });

TEST_P(KernelsTest, TableIsComplete) {
  EXPECT_STREQ(k().name, kernel_set_name(GetParam()));
  const void* pointers[] = {reinterpret_cast<const void*>(k().dot),
                            reinterpret_cast<const void*>(k().axpy),
                            reinterpret_cast<const void*>(k().scale),
                            reinterpret_cast<const void*>(k().sparse_dot),
                            reinterpret_cast<const void*>(k().sparse_axpy),
                            reinterpret_cast<const void*>(k().dot_rows),
                            reinterpret_cast<const void*>(k().dot_rows_bf16),
                            reinterpret_cast<const void*>(k().f32_to_bf16),
                            reinterpret_cast<const void*>(k().bf16_to_f32),
                            reinterpret_cast<const void*>(k().dot_bf16),
                            reinterpret_cast<const void*>(k().softmax),
                            reinterpret_cast<const void*>(k().exp),
                            reinterpret_cast<const void*>(k().adam_step),
                            reinterpret_cast<const void*>(k().gemm_nt),
                            reinterpret_cast<const void*>(k().gemm_nt_bf16),
                            reinterpret_cast<const void*>(k().axpy_bf16)};
  for (const void* p : pointers) EXPECT_NE(p, nullptr);
}

TEST_P(KernelsTest, Dot) {
  std::mt19937_64 rng(1);
  for (std::size_t n : test_lengths(2)) {
    GuardedBuffer<float> a(n), b(n);
    fill_random(a, rng);
    fill_random(b, rng);
    double exact = 0, abs_sum = 0;
    for (std::size_t i = 0; i < n; ++i) {
      exact += double(a[i]) * b[i];
      abs_sum += std::abs(double(a[i]) * b[i]);
    }
    const float got = k().dot(a.data(), b.data(), n);
    ASSERT_LE(std::abs(got - exact), dot_bound(n, abs_sum)) << "n=" << n;
  }
}

TEST_P(KernelsTest, DotBf16) {
  std::mt19937_64 rng(3);
  for (std::size_t n : test_lengths(4)) {
    GuardedBuffer<bf16> a(n), b(n);
    for (std::size_t i = 0; i < n; ++i) {
      a[i] = reference_bf16(random_value(rng));
      b[i] = reference_bf16(random_value(rng));
    }
    double exact = 0, abs_sum = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const double p = double(bf16_value(a[i])) * bf16_value(b[i]);
      exact += p;
      abs_sum += std::abs(p);
    }
    const float got = k().dot_bf16(a.data(), b.data(), n);
    ASSERT_LE(std::abs(got - exact), dot_bound(n, abs_sum)) << "n=" << n;
  }
}

TEST_P(KernelsTest, AxpyAndScale) {
  std::mt19937_64 rng(5);
  for (std::size_t n : test_lengths(6)) {
    GuardedBuffer<float> x(n), y(n);
    fill_random(x, rng);
    fill_random(y, rng);
    const float alpha = random_value(rng);
    std::vector<float> y0(y.data(), y.data() + n);
    k().axpy(alpha, x.data(), y.data(), n);
    for (std::size_t i = 0; i < n; ++i) {
      const double exact = double(y0[i]) + double(alpha) * x[i];
      // With FMA: one rounding; without: the product's and the sum's.
      const double bound = 2 * kU * (std::abs(double(y0[i])) + std::abs(double(alpha) * x[i]));
      ASSERT_LE(std::abs(y[i] - exact), bound) << "n=" << n << " i=" << i;
    }
    std::vector<float> x0(x.data(), x.data() + n);
    k().scale(alpha, x.data(), n);
    for (std::size_t i = 0; i < n; ++i) {
      ASSERT_EQ(x[i], alpha * x0[i]) << "n=" << n << " i=" << i;  // one correctly rounded product
    }
  }
}

TEST_P(KernelsTest, AxpyBf16) {
  std::mt19937_64 rng(55);
  for (std::size_t n : test_lengths(16)) {
    GuardedBuffer<float> xf(n), y(n);
    GuardedBuffer<bf16> x(n);
    fill_random(xf, rng);
    fill_random(y, rng);
    for (std::size_t i = 0; i < n; ++i) x[i] = reference_bf16(xf[i]);
    const float alpha = random_value(rng);
    std::vector<float> y0(y.data(), y.data() + n);
    k().axpy_bf16(alpha, x.data(), y.data(), n);
    for (std::size_t i = 0; i < n; ++i) {
      // The widening is exact; then as axpy: at most the product's and the sum's roundings.
      const double xi = bf16_value(x[i]);
      const double exact = double(y0[i]) + double(alpha) * xi;
      const double bound = 2 * kU * (std::abs(double(y0[i])) + std::abs(double(alpha) * xi));
      ASSERT_LE(std::abs(y[i] - exact), bound) << "n=" << n << " i=" << i;
    }
  }
}

TEST_P(KernelsTest, SparseDotAndAxpy) {
  std::mt19937_64 rng(7);
  constexpr std::size_t kDim = 3000;
  GuardedBuffer<float> dense(kDim);
  fill_random(dense, rng);
  std::vector<std::uint32_t> perm(kDim);
  std::iota(perm.begin(), perm.end(), 0u);
  for (std::size_t nnz : test_lengths(8)) {
    std::shuffle(perm.begin(), perm.end(), rng);
    GuardedBuffer<std::uint32_t> index(nnz);
    GuardedBuffer<float> value(nnz);
    for (std::size_t i = 0; i < nnz; ++i) index[i] = perm[i];  // distinct
    // The last index is the last element of dense: the gather must read exactly there.
    if (nnz) index[nnz - 1] = kDim - 1;
    if (nnz > 1)
      std::replace(index.data(), index.data() + nnz - 1, std::uint32_t{kDim - 1}, perm[nnz]);
    fill_random(value, rng);
    double exact = 0, abs_sum = 0;
    for (std::size_t i = 0; i < nnz; ++i) {
      exact += double(value[i]) * dense[index[i]];
      abs_sum += std::abs(double(value[i]) * dense[index[i]]);
    }
    const float got = k().sparse_dot(index.data(), value.data(), nnz, dense.data());
    ASSERT_LE(std::abs(got - exact), dot_bound(nnz, abs_sum)) << "nnz=" << nnz;

    const float alpha = random_value(rng);
    std::vector<float> before(dense.data(), dense.data() + kDim);
    k().sparse_axpy(alpha, index.data(), value.data(), nnz, dense.data());
    std::vector<bool> touched(kDim, false);
    for (std::size_t i = 0; i < nnz; ++i) {
      const std::uint32_t j = index[i];
      touched[j] = true;
      const double want = double(before[j]) + double(alpha) * value[i];
      const double bound =
          2 * kU * (std::abs(double(before[j])) + std::abs(double(alpha) * value[i]));
      ASSERT_LE(std::abs(dense[j] - want), bound) << "nnz=" << nnz << " i=" << i;
    }
    for (std::size_t j = 0; j < kDim; ++j) {
      if (!touched[j]) {
        ASSERT_EQ(dense[j], before[j]) << "untouched element " << j << " changed";
      }
    }
  }
}

TEST_P(KernelsTest, DotRows) {
  std::mt19937_64 rng(9);
  constexpr std::size_t kRows = 257;
  for (std::size_t n : test_lengths(10, 8)) {
    const std::size_t stride = n + (n % 3);         // some padded, some packed
    GuardedBuffer<float> rows(kRows * stride + n);  // the last row ends at the guard page
    fill_random(rows, rng);
    GuardedBuffer<float> x(n);
    fill_random(x, rng);
    std::uniform_int_distribution<std::uint32_t> pick(0, kRows);
    for (std::size_t count : {std::size_t{0}, std::size_t{1}, std::size_t{3}, std::size_t{4},
                              std::size_t{7}, std::size_t{13}, std::size_t{50}}) {
      GuardedBuffer<std::uint32_t> ids(count);
      for (std::size_t i = 0; i < count; ++i) ids[i] = pick(rng);
      if (count) ids[count - 1] = kRows;  // the last row
      GuardedBuffer<float> out(count);
      k().dot_rows(x.data(), rows.data(), stride, ids.data(), count, n, out.data());
      for (std::size_t i = 0; i < count; ++i) {
        const float* row = rows.data() + std::size_t{ids[i]} * stride;
        double exact = 0, abs_sum = 0;
        for (std::size_t p = 0; p < n; ++p) {
          exact += double(x[p]) * row[p];
          abs_sum += std::abs(double(x[p]) * row[p]);
        }
        ASSERT_LE(std::abs(out[i] - exact), dot_bound(n, abs_sum))
            << "n=" << n << " count=" << count << " i=" << i;
      }
    }
  }
}

TEST_P(KernelsTest, DotRowsBf16) {
  std::mt19937_64 rng(11);
  constexpr std::size_t kRows = 129;
  for (std::size_t n : test_lengths(12, 8)) {
    const std::size_t stride = n + (n % 5);
    GuardedBuffer<bf16> rows(kRows * stride + n);
    for (std::size_t i = 0; i < rows.size(); ++i) rows[i] = reference_bf16(random_value(rng));
    GuardedBuffer<bf16> x(n);
    for (std::size_t i = 0; i < n; ++i) x[i] = reference_bf16(random_value(rng));
    std::uniform_int_distribution<std::uint32_t> pick(0, kRows);
    for (std::size_t count :
         {std::size_t{0}, std::size_t{1}, std::size_t{4}, std::size_t{6}, std::size_t{19}}) {
      GuardedBuffer<std::uint32_t> ids(count);
      for (std::size_t i = 0; i < count; ++i) ids[i] = pick(rng);
      if (count) ids[count - 1] = kRows;
      GuardedBuffer<float> out(count);
      k().dot_rows_bf16(x.data(), rows.data(), stride, ids.data(), count, n, out.data());
      for (std::size_t i = 0; i < count; ++i) {
        const bf16* row = rows.data() + std::size_t{ids[i]} * stride;
        double exact = 0, abs_sum = 0;
        for (std::size_t p = 0; p < n; ++p) {
          const double prod = double(bf16_value(x[p])) * bf16_value(row[p]);
          exact += prod;
          abs_sum += std::abs(prod);
        }
        ASSERT_LE(std::abs(out[i] - exact), dot_bound(n, abs_sum))
            << "n=" << n << " count=" << count << " i=" << i;
      }
    }
  }
}

// C = A B^T for random shapes with tails in m, n and k, and leading dimensions larger than the
// rows; the padding of C must stay untouched.
template <typename T, typename Gemm, typename ToDouble>
void check_gemm(Gemm gemm, ToDouble value, T (*make)(float), std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  const std::size_t ms[] = {1, 2, 3, 4, 5, 7, 8, 9, 17};
  const std::size_t ns[] = {1, 2, 3, 4, 5, 6, 9, 16, 33};
  const std::size_t ks[] = {0, 1, 7, 8, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 128, 200};
  std::uniform_int_distribution<int> pad(0, 3);
  for (std::size_t k : ks) {
    for (int trial = 0; trial < 6; ++trial) {
      const std::size_t m = ms[rng() % std::size(ms)], n = ns[rng() % std::size(ns)];
      const std::size_t lda = k + pad(rng), ldb = k + pad(rng), ldc = n + pad(rng);
      GuardedBuffer<T> a((m - 1) * lda + k), b((n - 1) * ldb + k);
      for (std::size_t i = 0; i < a.size(); ++i) a[i] = make(random_value(rng));
      for (std::size_t i = 0; i < b.size(); ++i) b[i] = make(random_value(rng));
      constexpr float kSentinel = -12345.0f;
      GuardedBuffer<float> c((m - 1) * ldc + n);
      std::fill(c.data(), c.data() + c.size(), kSentinel);
      gemm(a.data(), lda, b.data(), ldb, c.data(), ldc, m, n, k);
      for (std::size_t i = 0; i < m; ++i) {
        for (std::size_t j = 0; j < n; ++j) {
          double exact = 0, abs_sum = 0;
          for (std::size_t p = 0; p < k; ++p) {
            const double prod = value(a[i * lda + p]) * value(b[j * ldb + p]);
            exact += prod;
            abs_sum += std::abs(prod);
          }
          ASSERT_LE(std::abs(c[i * ldc + j] - exact), dot_bound(k, abs_sum))
              << "m=" << m << " n=" << n << " k=" << k << " at " << i << "," << j;
        }
        for (std::size_t j = n; j < ldc && i + 1 < m; ++j) {
          ASSERT_EQ(c[i * ldc + j], kSentinel) << "padding of C written at " << i << "," << j;
        }
      }
    }
  }
}

TEST_P(KernelsTest, GemmNt) {
  check_gemm<float>(
      k().gemm_nt, [](float f) { return double(f); }, [](float f) { return f; }, 13);
}

TEST_P(KernelsTest, GemmNtBf16) {
  check_gemm<bf16>(
      k().gemm_nt_bf16, [](bf16 h) { return double(bf16_value(h)); },
      [](float f) { return reference_bf16(f); }, 14);
}

TEST_P(KernelsTest, GemmNtLargeBlocks) {
  // Enough rows for full register blocks (and full 16x16 AMX tiles) plus edges.
  std::mt19937_64 rng(15);
  const std::size_t m = 37, n = 45, depth = 200;
  std::vector<float> a(m * depth), b(n * depth), c(m * n);
  std::vector<bf16> ah(m * depth), bh(n * depth);
  for (std::size_t i = 0; i < a.size(); ++i) ah[i] = reference_bf16(a[i] = random_value(rng));
  for (std::size_t i = 0; i < b.size(); ++i) bh[i] = reference_bf16(b[i] = random_value(rng));
  for (int pass = 0; pass < 2; ++pass) {
    if (pass == 0) {
      k().gemm_nt(a.data(), depth, b.data(), depth, c.data(), n, m, n, depth);
    } else {
      k().gemm_nt_bf16(ah.data(), depth, bh.data(), depth, c.data(), n, m, n, depth);
    }
    for (std::size_t i = 0; i < m; ++i) {
      for (std::size_t j = 0; j < n; ++j) {
        double exact = 0, abs_sum = 0;
        for (std::size_t p = 0; p < depth; ++p) {
          const double prod =
              pass == 0 ? double(a[i * depth + p]) * b[j * depth + p]
                        : double(bf16_value(ah[i * depth + p])) * bf16_value(bh[j * depth + p]);
          exact += prod;
          abs_sum += std::abs(prod);
        }
        ASSERT_LE(std::abs(c[i * n + j] - exact), dot_bound(depth, abs_sum))
            << "pass " << pass << " at " << i << "," << j;
      }
    }
  }
}

TEST_P(KernelsTest, AdamStep) {
  std::mt19937_64 rng(17);
  const AdamParams params{1e-3f, 0.9f, 0.999f, 1e-8f};
  for (std::size_t n : test_lengths(18)) {
    GuardedBuffer<float> w(n), m(n), v(n), g(n);
    fill_random(w, rng);
    fill_random(m, rng);
    fill_random(g, rng);
    for (std::size_t i = 0; i < n; ++i) v[i] = std::abs(random_value(rng));
    std::vector<float> w0(w.data(), w.data() + n), m0(m.data(), m.data() + n),
        v0(v.data(), v.data() + n);
    k().adam_step(w.data(), m.data(), v.data(), g.data(), n, params);
    const double b1 = params.beta1, b2 = params.beta2;
    const double c1 = 1.0f - params.beta1, c2 = 1.0f - params.beta2;  // exact in float
    for (std::size_t i = 0; i < n; ++i) {
      const double gi = g[i];
      const double want_m = b1 * m0[i] + c1 * gi;
      const double want_v = b2 * v0[i] + c2 * gi * gi;
      ASSERT_LE(std::abs(m[i] - want_m), 3 * kU * (std::abs(b1 * m0[i]) + std::abs(c1 * gi)));
      ASSERT_LE(std::abs(v[i] - want_v), 4 * kU * (b2 * v0[i] + c2 * gi * gi));
      // The step from the kernel's own m and v: mul, sqrt, add, div (< 4u) and the subtraction.
      const double step =
          double(params.learning_rate) * m[i] / (std::sqrt(double(v[i])) + double(params.epsilon));
      const double want_w = w0[i] - step;
      ASSERT_LE(std::abs(w[i] - want_w), kU * std::abs(want_w) + 5 * kU * std::abs(step))
          << "n=" << n << " i=" << i;
    }
  }
}

TEST_P(KernelsTest, ExpWithinDocumentedBound) {
  // An even sweep of the whole normal-result domain, 2 million points (each reduced argument r
  // in [-ln2/2, ln2/2] is hit about 8,000 times over); every float is checked by the disabled
  // test below.
  constexpr float kLo = -87.3f, kHi = 88.7f;
  constexpr std::size_t kPoints = 1 << 21;
  std::vector<float> x(kPoints), y(kPoints);
  for (std::size_t i = 0; i < kPoints; ++i) {
    x[i] = kLo + (kHi - kLo) * float(double(i) / double(kPoints - 1));
  }
  x.back() = kHi;
  k().exp(x.data(), y.data(), kPoints);
  double worst = 0;
  float worst_x = 0;
  for (std::size_t i = 0; i < kPoints; ++i) {
    const double exact = std::exp(double(x[i]));
    const double rel = std::abs(y[i] - exact) / exact;
    if (rel > worst) {
      worst = rel;
      worst_x = x[i];
    }
  }
  EXPECT_LE(worst, kExpMaxRelativeError) << "at x=" << worst_x;
  EXPECT_GT(worst, kExpMaxRelativeError / 8) << "the bound is far from tight: tighten it";

  const float specials[] = {0.0f,
                            -0.0f,
                            1.0f,
                            -1.0f,
                            88.71f,
                            100.0f,
                            std::numeric_limits<float>::infinity(),
                            -87.31f,
                            -100.0f,
                            -std::numeric_limits<float>::infinity(),
                            std::numeric_limits<float>::quiet_NaN()};
  float out[std::size(specials)];
  k().exp(specials, out, std::size(specials));
  EXPECT_EQ(out[0], 1.0f);
  EXPECT_EQ(out[1], 1.0f);
  EXPECT_NEAR(out[2], std::exp(1.0), std::exp(1.0) * kExpMaxRelativeError);
  EXPECT_NEAR(out[3], std::exp(-1.0), std::exp(-1.0) * kExpMaxRelativeError);
  for (int i = 4; i <= 6; ++i) EXPECT_EQ(out[i], std::numeric_limits<float>::infinity()) << i;
  for (int i = 7; i <= 9; ++i) EXPECT_EQ(out[i], 0.0f) << i;
  EXPECT_TRUE(std::isnan(out[10]));

  // Every length, so the tails go through the same exp.
  std::mt19937_64 rng(19);
  std::uniform_real_distribution<float> dist(kLo, kHi);
  for (std::size_t n : test_lengths(20)) {
    GuardedBuffer<float> in(n), res(n);
    for (std::size_t i = 0; i < n; ++i) in[i] = dist(rng);
    k().exp(in.data(), res.data(), n);
    for (std::size_t i = 0; i < n; ++i) {
      const double exact = std::exp(double(in[i]));
      ASSERT_LE(std::abs(res[i] - exact), exact * kExpMaxRelativeError) << "n=" << n;
    }
  }
}

// Every float of the normal-result domain (2.2e9 values, about a minute per set): the
// measurement behind kExpMaxRelativeError. Run with
//   slide_simd_tests --gtest_also_run_disabled_tests --gtest_filter='*DISABLED_ExpEveryFloat*'
TEST_P(KernelsTest, DISABLED_ExpEveryFloat) {
  const std::uint32_t lo = testing::float_to_bits(-87.3f), hi = testing::float_to_bits(88.7f);
  // Negative floats from -0 down to -87.3 (bit patterns 0x80000000..lo), then +0 up to 88.7.
  const std::pair<std::uint32_t, std::uint32_t> ranges[] = {{0x80000000u, lo}, {0u, hi}};
  constexpr std::size_t kChunk = 1 << 20;
  std::vector<float> x(kChunk), y(kChunk);
  double worst = 0;
  float worst_x = 0;
  std::size_t checked = 0;
  for (const auto& [first, last] : ranges) {
    for (std::uint64_t start = first; start <= last; start += kChunk) {
      const std::size_t n = std::min<std::uint64_t>(kChunk, std::uint64_t{last} - start + 1);
      for (std::size_t i = 0; i < n; ++i) {
        x[i] = testing::bits_to_float(static_cast<std::uint32_t>(start + i));
      }
      k().exp(x.data(), y.data(), n);
      for (std::size_t i = 0; i < n; ++i) {
        const double exact = std::exp(double(x[i]));
        const double rel = std::abs(y[i] - exact) / exact;
        if (rel > worst) {
          worst = rel;
          worst_x = x[i];
        }
      }
      checked += n;
    }
  }
  std::printf("%s: %zu floats, max relative error %.4g at x = %.9g\n", k().name, checked, worst,
              double(worst_x));
  EXPECT_LE(worst, kExpMaxRelativeError) << "at x=" << worst_x;
}

TEST_P(KernelsTest, Softmax) {
  std::mt19937_64 rng(21);
  for (std::size_t n : test_lengths(22)) {
    for (float spread : {1.0f, 30.0f}) {
      GuardedBuffer<float> x(n);
      std::uniform_real_distribution<float> dist(-spread, spread);
      for (std::size_t i = 0; i < n; ++i) x[i] = dist(rng) + 5.0f;
      std::vector<float> x0(x.data(), x.data() + n);
      k().softmax(x.data(), n);
      if (n == 0) continue;
      const double mx = *std::max_element(x0.begin(), x0.end());
      double denom = 0, max_gap = 0;
      for (float xi : x0) {
        denom += std::exp(double(xi) - mx);
        max_gap = std::max(max_gap, mx - xi);
      }
      // Each output: its exp (E, plus u|x_i - max| from rounding the difference), the sum's
      // exps (the same, at worst), the float sum ((n-1)u), the reciprocal and the product (2u).
      const double e = kExpMaxRelativeError;
      double total = 0;
      for (std::size_t i = 0; i < n; ++i) {
        const double exact = std::exp(double(x0[i]) - mx) / denom;
        const double rel = 1.01 * (2 * e + kU * ((mx - x0[i]) + max_gap) + double(n + 1) * kU);
        ASSERT_LE(std::abs(x[i] - exact), rel * exact) << "n=" << n << " i=" << i;
        total += x[i];
      }
      // The exp errors cancel in the sum: only the float sum, reciprocal and products remain.
      ASSERT_LE(std::abs(total - 1.0), 1.01 * double(n + 2) * kU) << "n=" << n;
    }
  }
}

TEST_P(KernelsTest, SoftmaxUnderflowsToZeroFarBelowMax) {
  float x[] = {0.0f, -200.0f, -90.0f, 1.0f, -1000.0f};
  k().softmax(x, std::size(x));
  EXPECT_EQ(x[1], 0.0f);
  EXPECT_EQ(x[2], 0.0f);
  EXPECT_EQ(x[4], 0.0f);
  EXPECT_NEAR(x[3], 1.0 / (1.0 + std::exp(-1.0)), 1e-6);
}

}  // namespace
}  // namespace slide::simd
