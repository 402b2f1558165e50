// The SSE4.2 crc32 instruction, reached only after CPUID says it exists (crc32c.cc). The target
// attribute confines the instruction to these functions; the file is built with baseline flags.

#include <nmmintrin.h>

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "slide/core/error.h"
#include "slide/model/crc32c.h"

namespace slide::model {

std::uint32_t crc32c_sse42_raw(const unsigned char* p, std::size_t size, std::uint32_t state);

__attribute__((target("sse4.2"))) std::uint32_t crc32c_sse42_raw(const unsigned char* p,
                                                                 std::size_t size,
                                                                 std::uint32_t state) {
  while (size > 0 && (reinterpret_cast<std::uintptr_t>(p) & 7u) != 0) {
    state = _mm_crc32_u8(state, *p++);
    --size;
  }
  std::uint64_t wide = state;
  // Four words per iteration keep the loop overhead off the crc32 chain (one result per 3 cycles
  // latency bound; interleaving streams would need a CRC combine step, not worth it at disk speed).
  while (size >= 32) {
    std::uint64_t w0, w1, w2, w3;
    std::memcpy(&w0, p, 8);
    std::memcpy(&w1, p + 8, 8);
    std::memcpy(&w2, p + 16, 8);
    std::memcpy(&w3, p + 24, 8);
    wide = _mm_crc32_u64(wide, w0);
    wide = _mm_crc32_u64(wide, w1);
    wide = _mm_crc32_u64(wide, w2);
    wide = _mm_crc32_u64(wide, w3);
    p += 32;
    size -= 32;
  }
  while (size >= 8) {
    std::uint64_t w;
    std::memcpy(&w, p, 8);
    wide = _mm_crc32_u64(wide, w);
    p += 8;
    size -= 8;
  }
  state = static_cast<std::uint32_t>(wide);
  while (size > 0) {
    state = _mm_crc32_u8(state, *p++);
    --size;
  }
  return state;
}

bool crc32c_hardware_available() {
  static const bool available = __builtin_cpu_supports("sse4.2");
  return available;
}

std::uint32_t crc32c_hardware(const void* data, std::size_t size, std::uint32_t crc) {
  if (!crc32c_hardware_available()) {
    throw UsageError("crc32c_hardware: this CPU lacks the SSE4.2 crc32 instruction");
  }
  return ~crc32c_sse42_raw(static_cast<const unsigned char*>(data), size, ~crc);
}

}  // namespace slide::model
