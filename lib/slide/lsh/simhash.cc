#include "slide/lsh/simhash.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <string_view>

#include "slide/core/random.h"
#include "slide/simd/dispatch.h"

namespace slide::lsh {
namespace {

float* float_buffer(std::size_t n) {
  thread_local std::vector<float> buffer;
  if (buffer.size() < n) buffer.resize(n);
  return buffer.data();
}

}  // namespace

SimHash::SimHash(const LshConfig& config, std::size_t dim) : HashFunctions(config, dim) {
  const std::uint32_t m = num_codes();
  matrix_.assign(std::size_t{m} * dim, 0.0F);
  Rng rng(config.seed, 0x5147);
  if (config.projection == SimHashProjection::gaussian) {
    for (float& w : matrix_) w = static_cast<float>(rng.normal());
  } else {
    const auto nonzeros = static_cast<std::size_t>(std::clamp<double>(
        std::round(config.density * static_cast<double>(dim)), 1.0, static_cast<double>(dim)));
    std::vector<std::uint32_t> dims(dim);
    std::iota(dims.begin(), dims.end(), 0U);
    for (std::uint32_t j = 0; j < m; ++j) {
      // A fresh uniform subset per projection: partial Fisher-Yates over the running order.
      for (std::size_t i = 0; i < nonzeros; ++i) {
        const std::size_t pick = i + rng.uniform64(dim - i);
        std::swap(dims[i], dims[pick]);
        matrix_[j * dim + dims[i]] = (rng.next_u64() >> 63) ? 1.0F : -1.0F;
      }
    }
  }
  transposed_.resize(matrix_.size());
  for (std::uint32_t j = 0; j < m; ++j)
    for (std::size_t d = 0; d < dim; ++d) transposed_[d * m + j] = matrix_[j * dim + d];
}

void SimHash::project_dense(const float* x, float* out) const {
  simd::kernels().gemm_nt(x, dim(), matrix_.data(), dim(), out, num_codes(), 1, num_codes(), dim());
}

void SimHash::codes_dense(const float* x, std::uint32_t* codes_out) const {
  // Accumulate x[d] * column d of the projections in dimension order, skipping zeros: the same
  // sums, in the same order, as codes_sparse over the non-zeros in increasing index order, so
  // a dense vector and its sparse form get identical codes. (The rows of a rebuild go through
  // gemm_nt instead, whose blocking pays off over many rows.)
  const std::uint32_t m = num_codes();
  float* y = float_buffer(m);
  std::fill(y, y + m, 0.0F);
  const auto& k = simd::kernels();
  for (std::size_t d = 0; d < dim(); ++d)
    if (x[d] != 0.0F) k.axpy(x[d], transposed_.data() + d * m, y, m);
  for (std::uint32_t j = 0; j < m; ++j) codes_out[j] = y[j] > 0.0F ? 1U : 0U;
}

void SimHash::codes_sparse(const std::uint32_t* index, const float* value, std::size_t nnz,
                           std::uint32_t* codes_out) const {
  const std::uint32_t m = num_codes();
  float* y = float_buffer(m);
  std::fill(y, y + m, 0.0F);
  const auto& k = simd::kernels();
  for (std::size_t i = 0; i < nnz; ++i)
    k.axpy(value ? value[i] : 1.0F, transposed_.data() + std::size_t{index[i]} * m, y, m);
  for (std::uint32_t j = 0; j < m; ++j) codes_out[j] = y[j] > 0.0F ? 1U : 0U;
}

void SimHash::hash_rows(const float* rows, std::size_t row_stride, std::size_t n,
                        std::uint32_t* keys_out, std::size_t key_stride) const {
  constexpr std::size_t kBlock = 64;
  const std::uint32_t m = num_codes();
  const std::uint32_t k = config().k;
  const std::uint32_t l = num_tables();
  float* y = float_buffer(kBlock * m);
  const auto& kernels = simd::kernels();
  // The scalar set's gemm_nt is the test oracle (one serial dot product per entry); there the
  // axpy form, which vectorises even in plain C++, is several times faster.
  const bool use_gemm = std::string_view(kernels.name) != "scalar";
  for (std::size_t start = 0; start < n; start += kBlock) {
    const std::size_t count = std::min(kBlock, n - start);
    if (use_gemm) {
      kernels.gemm_nt(rows + start * row_stride, row_stride, matrix_.data(), dim(), y, m, count, m,
                      dim());
    } else {
      std::fill(y, y + count * m, 0.0F);
      for (std::size_t i = 0; i < count; ++i) {
        const float* x = rows + (start + i) * row_stride;
        for (std::size_t d = 0; d < dim(); ++d)
          if (x[d] != 0.0F) kernels.axpy(x[d], transposed_.data() + d * m, y + i * m, m);
      }
    }
    for (std::uint32_t t = 0; t < l; ++t) {
      std::uint32_t* out = keys_out + t * key_stride + start;
      for (std::size_t i = 0; i < count; ++i) {
        const float* p = y + i * m + t * k;
        std::uint32_t key = 0;
        for (std::uint32_t j = 0; j < k; ++j) key = (key << 1) | (p[j] > 0.0F ? 1U : 0U);
        out[i] = key;
      }
    }
  }
}

}  // namespace slide::lsh
