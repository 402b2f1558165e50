// AMX-BF16 kernels: gemm_nt_bf16 on tiles; every other kernel is the avx512-bf16 set's. Only
// selected after CPUID, XCR0 and arch_prctl(ARCH_REQ_XCOMP_PERM) all allow AMX (dispatch.cc).
//
// Tiles: C (tmm0) 16x16 float, A (tmm1) 16 rows x 32 bf16, B (tmm2) 16 rows x 16 bf16 pairs.
// tdpbf16ps computes C[i][j] += sum_p A[i][2p+e] * B[p][j][e], so the B tile must hold, in row p,
// the pair (B[j][2p], B[j][2p+1]) of every row j of our row-major B: a 16x16 transpose of 32-bit
// pairs ("VNNI layout"), done while packing a 16-row panel of B once per call. A is packed too,
// zero-padded to 16 rows and to a multiple of 32 in k, so tails need no special tile shapes.
//
// NOTE: no machine available to the authors has AMX; this code is compiled and reviewed but its
// tests skip here (see tests/simd/kernels_test.cc).
// <immintrin.h> comes from avx512_common.h, which silences GCC 12's spurious warnings around it.
#include <cstdint>
#include <cstring>
#include <new>

#include "slide/simd/avx512_common.h"
#include "slide/simd/kernel_tables.h"

namespace slide::simd {
namespace {

struct alignas(64) TileConfig {
  std::uint8_t palette_id;
  std::uint8_t start_row;
  std::uint8_t reserved[14];
  std::uint16_t colsb[16];
  std::uint8_t rows[16];
};
static_assert(sizeof(TileConfig) == 64);

constexpr std::size_t kTile = 16;   // rows of every tile, columns of C
constexpr std::size_t kChunk = 32;  // bf16 of k per A tile row

// Owns a zeroed bf16 array. Not std::vector: std templates instantiated in this TU would be
// external symbols compiled with AMX/AVX-512 flags (see isa_common.h).
class Bf16Buffer {
 public:
  explicit Bf16Buffer(std::size_t n) : data_(new bf16[n]()) {}
  Bf16Buffer(const Bf16Buffer&) = delete;
  Bf16Buffer& operator=(const Bf16Buffer&) = delete;
  ~Bf16Buffer() { delete[] data_; }
  bf16* get() { return data_; }

 private:
  bf16* data_;
};

void gemm_nt_bf16(const bf16* a, std::size_t lda, const bf16* b, std::size_t ldb, float* c,
                  std::size_t ldc, std::size_t m, std::size_t n, std::size_t k) {
  if (m == 0 || n == 0) return;
  const std::size_t kp = (k + kChunk - 1) / kChunk * kChunk;
  const std::size_t chunks = kp / kChunk;
  if (chunks == 0) {
    for (std::size_t i = 0; i < m; ++i) {
      for (std::size_t j = 0; j < n; ++j) c[i * ldc + j] = 0.0f;
    }
    return;
  }
  const std::size_t m_blocks = (m + kTile - 1) / kTile;
  Bf16Buffer apack(m_blocks * kTile * kp);  // zero-padded rows and columns
  for (std::size_t i = 0; i < m; ++i) {
    std::memcpy(apack.get() + i * kp, a + i * lda, k * sizeof(bf16));
  }
  Bf16Buffer bpack(kTile * kp);  // chunks x 16 pair-rows x 16 columns x 2

  TileConfig config{};
  config.palette_id = 1;
  for (int t = 0; t < 3; ++t) {
    config.colsb[t] = 64;
    config.rows[t] = kTile;
  }
  _tile_loadconfig(&config);
  alignas(64) float cbuf[kTile * kTile];
  for (std::size_t j0 = 0; j0 < n; j0 += kTile) {
    const std::size_t nr = min_size(kTile, n - j0);
    std::memset(bpack.get(), 0, kTile * kp * sizeof(bf16));
    for (std::size_t j = 0; j < nr; ++j) {
      const bf16* row = b + (j0 + j) * ldb;
      for (std::size_t p = 0; p < k; ++p) {
        const std::size_t chunk = p / kChunk, within = p % kChunk;
        bpack.get()[chunk * (kTile * kChunk) + (within / 2) * (2 * kTile) + j * 2 + within % 2] =
            row[p];
      }
    }
    for (std::size_t ib = 0; ib < m_blocks; ++ib) {
      _tile_zero(0);
      for (std::size_t q = 0; q < chunks; ++q) {
        _tile_loadd(1, apack.get() + ib * kTile * kp + q * kChunk,
                    static_cast<long>(kp * sizeof(bf16)));
        _tile_loadd(2, bpack.get() + q * kTile * kChunk, 64);
        _tile_dpbf16ps(0, 1, 2);
      }
      _tile_stored(0, cbuf, 64);
      const std::size_t mr = min_size(kTile, m - ib * kTile);
      for (std::size_t i = 0; i < mr; ++i) {
        std::memcpy(c + (ib * kTile + i) * ldc + j0, cbuf + i * kTile, nr * sizeof(float));
      }
    }
  }
  _tile_release();
}

Kernels make_table() {
  Kernels table = avx512_bf16_kernels();
  table.name = "amx";
  table.gemm_nt_bf16 = gemm_nt_bf16;
  return table;
}

}  // namespace

const Kernels& amx_kernels() {
  static const Kernels table = make_table();
  return table;
}

}  // namespace slide::simd
