#pragma once

// Code shared by the instruction-set translation units: kernels_avx2.cc, and through
// avx512_common.h kernels_avx512.cc, kernels_avx512_bf16.cc and kernels_amx.cc. It holds what does
// not depend on the register width: scalar helpers, sparse_axpy, and the loops of the dense dots,
// dot_rows and gemm_nt, which take what each set does per chunk or per block as template
// parameters.
//
// Each of those TUs is compiled with its own -m flags, and the dispatcher calls into it only on a
// CPU that has them. Everything here is therefore in an anonymous namespace: each TU gets its own
// copy with internal linkage. An inline function or template instantiation with external linkage
// would be a COMDAT symbol that every TU using it emits, and the linker keeps one of those copies
// for the whole program, possibly one built with AVX-512 instructions, called from code running on
// a CPU without them. For the same reason these TUs instantiate no std template (std::min,
// std::vector, ...): such instantiations have external linkage wherever they are used from.

#include <xmmintrin.h>

#include <cstddef>
#include <cstdint>

namespace slide::simd {
namespace {  // NOLINT(google-build-namespaces): internal linkage per ISA TU is the point.

inline std::size_t min_size(std::size_t a, std::size_t b) {
  return a < b ? a : b;
}

// always_inline: GCC finds a function made of prefetches alone to be const (it models no effect of
// a prefetch) and deletes the calls to it that early inlining left, and early inlining leaves every
// regular call in an always_inline function such as dot_rows_blocked.
[[gnu::always_inline]] inline void prefetch_row(const void* row, std::size_t bytes) {
  const char* p = static_cast<const char*>(row);
  for (std::size_t off = 0; off < bytes; off += 64) _mm_prefetch(p + off, _MM_HINT_T0);
  if (bytes) _mm_prefetch(p + bytes - 1, _MM_HINT_T0);
}

// Plain scalar updates, four per iteration. Measured on Zen 4 (kernels_bench, nnz 128-1024 into a
// 4096-float row): gather + FMA + scatter 2.4 GFLOP/s, gather + FMA + eight scalar stores 3.5,
// this loop 5.1-5.2. The indices being distinct, the four updates are independent.
inline void sparse_axpy(float alpha, const std::uint32_t* index, const float* value,
                        std::size_t nnz, float* dense) {
  std::size_t i = 0;
  for (; i + 4 <= nnz; i += 4) {
    const float d0 = dense[index[i]] + alpha * value[i];
    const float d1 = dense[index[i + 1]] + alpha * value[i + 1];
    const float d2 = dense[index[i + 2]] + alpha * value[i + 2];
    const float d3 = dense[index[i + 3]] + alpha * value[i + 3];
    dense[index[i]] = d0;
    dense[index[i + 1]] = d1;
    dense[index[i + 2]] = d2;
    dense[index[i + 3]] = d3;
  }
  for (; i < nnz; ++i) dense[index[i]] += alpha * value[i];
}

// The blocked kernels of every set are written once for all element types, against an element
// policy E of the set that says how the type is read and multiplied: T, the element type; kWidth,
// elements per chunk; load(p), one chunk into a register; fma(acc, a, b), acc + a * b over float
// lanes; one_row(a, b, n), the set's dot (for the rows dot_rows leaves over). The AVX-512 policies
// add masked loads (avx512_common.h), the AVX2 ones scalar conversion for the tails.

// The body of the dense dots: U accumulators over steps of U chunks, then single chunks into
// s[0]. Returns where the elements left over (fewer than a chunk) begin.
template <typename E, int U, typename Acc>
[[gnu::always_inline]] inline std::size_t dot_chunks(const typename E::T* a, const typename E::T* b,
                                                     std::size_t n, Acc* s) {
  constexpr std::size_t kStep = U * E::kWidth;
  for (int u = 0; u < U; ++u) s[u] = Acc{};
  std::size_t i = 0;
  for (; i + kStep <= n; i += kStep) {
    for (int u = 0; u < U; ++u) {
      s[u] = E::fma(s[u], E::load(a + i + u * E::kWidth), E::load(b + i + u * E::kWidth));
    }
  }
  for (; i + E::kWidth <= n; i += E::kWidth) s[0] = E::fma(s[0], E::load(a + i), E::load(b + i));
  return i;
}

// The U = 2 or 4 accumulators of a dot summed pairwise, the order every set's dot uses. GCC's +
// on vector types is the vaddps of _mm256_add_ps and _mm512_add_ps.
template <int U, typename Acc>
[[gnu::always_inline]] inline Acc sum_pairwise(const Acc* s) {
  static_assert(U == 2 || U == 4);
  if constexpr (U == 4) {
    return (s[0] + s[1]) + (s[2] + s[3]);
  } else {
    return s[0] + s[1];
  }
}

// How far ahead dot_rows prefetches, in ids. In a standalone test on Zen 4 (random 512-byte rows of
// a 343 MB matrix, one core) distances from 0 to 128 rows made little difference: the loop is bound
// by how many cache misses one core keeps in flight (docs/PERFORMANCE.md).
constexpr std::size_t kPrefetchAhead = 8;

// dot_rows: Block::kRows rows per Block::rows call, so that each load of x feeds that many
// independent FMA chains, while the rows kPrefetchAhead ids ahead are prefetched. The ids left over
// go to Block::one_row, the set's dot. always_inline, as the blocks, so that each kernel compiles
// to one loop nest, as when it was written out by hand.
template <typename Block, typename T>
[[gnu::always_inline]] inline void dot_rows_blocked(const T* x, const T* rows, std::size_t stride,
                                                    const std::uint32_t* ids, std::size_t count,
                                                    std::size_t n, float* out) {
  constexpr std::size_t kRows = Block::kRows;
  const std::size_t row_bytes = n * sizeof(T);
  for (std::size_t i = 0; i < min_size(count, kPrefetchAhead); ++i) {
    prefetch_row(rows + std::size_t{ids[i]} * stride, row_bytes);
  }
  std::size_t i = 0;
  for (; i + kRows <= count; i += kRows) {
    for (std::size_t j = i + kPrefetchAhead; j < min_size(count, i + kPrefetchAhead + kRows); ++j) {
      prefetch_row(rows + std::size_t{ids[j]} * stride, row_bytes);
    }
    const T* r[kRows];
    for (std::size_t q = 0; q < kRows; ++q) r[q] = rows + std::size_t{ids[i + q]} * stride;
    Block::rows(x, r, n, out + i);
  }
  for (; i < count; ++i) out[i] = Block::one_row(x, rows + std::size_t{ids[i]} * stride, n);
}

// gemm_nt: blocks of 4 rows of A (then single rows at the bottom edge) by Block::kCols rows of B.
// Block::template run<MR>(ar, br, k, res) writes the MR x kCols dot products to res, row-major.
// Past the right edge the last row of B is repeated: computed, never stored, so that the block
// needs no variant for narrow edges.
template <typename Block, typename T>
[[gnu::always_inline]] inline void gemm_nt_blocked(const T* a, std::size_t lda, const T* b,
                                                   std::size_t ldb, float* c, std::size_t ldc,
                                                   std::size_t m, std::size_t n, std::size_t k) {
  constexpr std::size_t kCols = Block::kCols;
  float res[4 * kCols];
  for (std::size_t j = 0; j < n; j += kCols) {
    const std::size_t nr = min_size(kCols, n - j);
    const T* br[kCols];
    for (std::size_t q = 0; q < kCols; ++q) br[q] = b + (j + min_size(q, nr - 1)) * ldb;
    std::size_t i = 0;
    for (; i + 4 <= m; i += 4) {
      const T* ar[4] = {a + i * lda, a + (i + 1) * lda, a + (i + 2) * lda, a + (i + 3) * lda};
      Block::template run<4>(ar, br, k, res);
      for (std::size_t r = 0; r < 4; ++r) {
        for (std::size_t q = 0; q < nr; ++q) c[(i + r) * ldc + j + q] = res[r * kCols + q];
      }
    }
    for (; i < m; ++i) {
      const T* ar[1] = {a + i * lda};
      Block::template run<1>(ar, br, k, res);
      for (std::size_t q = 0; q < nr; ++q) c[i * ldc + j + q] = res[q];
    }
  }
}

}  // namespace
}  // namespace slide::simd
