#include "slide/lsh/wta.h"

#include <vector>

#include "slide/core/random.h"
#include "slide/lsh/wta_block.h"

namespace slide::lsh {

WtaHash::WtaHash(const LshConfig& config, std::size_t dim)
    : HashFunctions(config, dim),
      layout_(BinLayout::fixed_width(dim, config.k * config.l, config.bin_size,
                                     mix_seed(config.seed, {0x77a}))) {}

void WtaHash::codes_dense(const float* x, std::uint32_t* codes_out) const {
  const std::uint32_t width = config().bin_size;
  const std::uint32_t bins = num_codes();
  const std::uint32_t* dims = layout_.dims();
  for (std::uint32_t b = 0; b < bins; ++b, dims += width) {
    float best = x[dims[0]];
    std::uint32_t arg = 0;
    for (std::uint32_t s = 1; s < width; ++s) {
      const float v = x[dims[s]];
      const bool greater = v > best;
      best = greater ? v : best;
      arg = greater ? s : arg;
    }
    codes_out[b] = arg;
  }
}

void WtaHash::codes_sparse(const std::uint32_t* index, const float* value, std::size_t nnz,
                           std::uint32_t* codes_out) const {
  // Missing entries are zeros, and ties break by position, so the exact answer needs the dense
  // vector: scatter into a per-thread buffer, hash, and clear only what was written.
  thread_local std::vector<float> dense;
  if (dense.size() < dim()) dense.assign(dim(), 0.0F);
  for (std::size_t i = 0; i < nnz; ++i) dense[index[i]] = value ? value[i] : 1.0F;
  codes_dense(dense.data(), codes_out);
  for (std::size_t i = 0; i < nnz; ++i) dense[index[i]] = 0.0F;
}

void WtaHash::hash_rows(const float* rows, std::size_t row_stride, std::size_t n,
                        std::uint32_t* keys_out, std::size_t key_stride) const {
  wta_hash_rows(*this, layout_, config().bin_size, false, 0, 0, rows, row_stride, n, keys_out,
                key_stride);
}

}  // namespace slide::lsh
