#include "slide/lsh/bin_layout.h"

#include <numeric>

#include "slide/core/error.h"
#include "slide/core/random.h"

namespace slide::lsh {
namespace {

void shuffle(std::vector<std::uint32_t>& v, Rng& rng) {
  for (std::size_t i = v.size(); i > 1; --i) {
    const std::size_t j = rng.uniform64(i);
    std::swap(v[i - 1], v[j]);
  }
}

}  // namespace

BinLayout BinLayout::fixed_width(std::size_t dim, std::uint32_t num_bins, std::uint32_t width,
                                 std::uint64_t seed) {
  if (width == 0 || width > dim) throw UsageError("LSH: bin width must be in 1..dim");
  if (dim > 0xffffffffULL) throw UsageError("LSH: input dimension over 2^32");
  BinLayout layout;
  layout.dim_ = dim;
  layout.bin_offsets_.resize(std::size_t{num_bins} + 1);
  for (std::uint32_t b = 0; b <= num_bins; ++b) layout.bin_offsets_[b] = b * width;
  layout.dims_.reserve(std::size_t{num_bins} * width);
  const std::size_t bins_per_perm = dim / width;
  std::vector<std::uint32_t> perm(dim);
  Rng rng(seed, 0x57a);
  while (layout.dims_.size() < std::size_t{num_bins} * width) {
    std::iota(perm.begin(), perm.end(), 0U);
    shuffle(perm, rng);
    const std::size_t take =
        std::min(bins_per_perm * width, std::size_t{num_bins} * width - layout.dims_.size());
    layout.dims_.insert(layout.dims_.end(), perm.begin(),
                        perm.begin() + static_cast<std::ptrdiff_t>(take));
  }
  layout.build_inverse();
  return layout;
}

BinLayout BinLayout::partition(std::size_t dim, std::uint32_t num_bins, std::uint64_t seed) {
  if (dim == 0 || dim > 0xffffffffULL) throw UsageError("LSH: input dimension out of range");
  BinLayout layout;
  layout.dim_ = dim;
  const std::size_t perms = (num_bins + dim - 1) / dim;
  const std::size_t positions = perms * dim;
  std::vector<std::uint32_t> perm(dim);
  Rng rng(seed, 0x0b1);
  layout.dims_.reserve(positions);
  for (std::size_t p = 0; p < perms; ++p) {
    std::iota(perm.begin(), perm.end(), 0U);
    shuffle(perm, rng);
    layout.dims_.insert(layout.dims_.end(), perm.begin(), perm.end());
  }
  layout.bin_offsets_.resize(std::size_t{num_bins} + 1);
  for (std::size_t b = 0; b <= num_bins; ++b)
    layout.bin_offsets_[b] = static_cast<std::uint32_t>(b * positions / num_bins);
  layout.build_inverse();
  return layout;
}

void BinLayout::build_inverse() {
  dim_offsets_.assign(dim_ + 1, 0);
  for (std::uint32_t d : dims_) ++dim_offsets_[d + 1];
  for (std::size_t i = 0; i < dim_; ++i) dim_offsets_[i + 1] += dim_offsets_[i];
  slots_.resize(dims_.size());
  std::vector<std::uint32_t> fill(dim_offsets_.begin(), dim_offsets_.end() - 1);
  for (std::uint32_t b = 0; b + 1 < bin_offsets_.size(); ++b)
    for (std::uint32_t p = bin_offsets_[b]; p < bin_offsets_[b + 1]; ++p)
      slots_[fill[dims_[p]]++] = Slot{b, p - bin_offsets_[b]};
}

void densify(std::uint32_t* codes, std::uint32_t num_bins, std::uint64_t seed) {
  std::uint32_t empty = 0;
  for (std::uint32_t b = 0; b < num_bins; ++b) empty += codes[b] == kEmptyCode;
  if (empty == 0) return;
  if (empty == num_bins) {
    for (std::uint32_t b = 0; b < num_bins; ++b) codes[b] = 0;
    return;
  }
  constexpr int kMaxProbes = 64;
  // Borrow only from bins that were non-empty before densification: resolve into a second pass
  // so that a bin never copies a code that was itself borrowed.
  for (std::uint32_t b = 0; b < num_bins; ++b) {
    if (codes[b] != kEmptyCode) continue;
    std::uint32_t source = kEmptyCode;
    for (int attempt = 1; attempt <= kMaxProbes; ++attempt) {
      const auto probe = static_cast<std::uint32_t>(
          mix_seed(seed, {b, static_cast<std::uint64_t>(attempt)}) % num_bins);
      if (codes[probe] != kEmptyCode && (codes[probe] & 0x80000000U) == 0) {
        source = probe;
        break;
      }
    }
    if (source == kEmptyCode) {
      for (std::uint32_t step = 1; step < num_bins; ++step) {
        const std::uint32_t probe = (b + step) % num_bins;
        if (codes[probe] != kEmptyCode && (codes[probe] & 0x80000000U) == 0) {
          source = probe;
          break;
        }
      }
    }
    // Mark as borrowed with the top bit until every bin is resolved.
    codes[b] = codes[source] | 0x80000000U;
  }
  for (std::uint32_t b = 0; b < num_bins; ++b) codes[b] &= 0x7fffffffU;
}

}  // namespace slide::lsh
