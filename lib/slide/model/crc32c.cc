#include "slide/model/crc32c.h"

#include <array>
#include <bit>
#include <cstring>

namespace slide::model {

// Defined in crc32c_sse42.cc, the only translation unit built for SSE4.2 (through a target
// attribute, so the baseline flags stay untouched); callers check crc32c_hardware_available().
std::uint32_t crc32c_sse42_raw(const unsigned char* data, std::size_t size, std::uint32_t state);

namespace {

constexpr std::uint32_t kPolynomial = 0x82F63B78u;  // reflected Castagnoli

using Tables = std::array<std::array<std::uint32_t, 256>, 8>;

// tables[k][b] is the CRC of byte b followed by k zero bytes: slicing-by-8 folds eight input
// bytes per step with eight independent lookups.
constexpr Tables make_tables() {
  Tables tables{};
  for (std::uint32_t b = 0; b < 256; ++b) {
    std::uint32_t crc = b;
    for (int bit = 0; bit < 8; ++bit) crc = (crc >> 1) ^ ((crc & 1u) ? kPolynomial : 0u);
    tables[0][b] = crc;
  }
  for (std::uint32_t b = 0; b < 256; ++b) {
    for (std::size_t k = 1; k < 8; ++k) {
      const std::uint32_t previous = tables[k - 1][b];
      tables[k][b] = (previous >> 8) ^ tables[0][previous & 0xFFu];
    }
  }
  return tables;
}

constexpr Tables kTables = make_tables();

std::uint32_t software_raw(const unsigned char* p, std::size_t size, std::uint32_t state) {
  while (size > 0 && (reinterpret_cast<std::uintptr_t>(p) & 7u) != 0) {
    state = (state >> 8) ^ kTables[0][(state ^ *p++) & 0xFFu];
    --size;
  }
  while (size >= 8) {
    std::uint64_t word;
    std::memcpy(&word, p, 8);
    if constexpr (std::endian::native == std::endian::big) word = __builtin_bswap64(word);
    const std::uint32_t lo = static_cast<std::uint32_t>(word) ^ state;
    const std::uint32_t hi = static_cast<std::uint32_t>(word >> 32);
    state = kTables[7][lo & 0xFFu] ^ kTables[6][(lo >> 8) & 0xFFu] ^
            kTables[5][(lo >> 16) & 0xFFu] ^ kTables[4][lo >> 24] ^ kTables[3][hi & 0xFFu] ^
            kTables[2][(hi >> 8) & 0xFFu] ^ kTables[1][(hi >> 16) & 0xFFu] ^ kTables[0][hi >> 24];
    p += 8;
    size -= 8;
  }
  while (size > 0) {
    state = (state >> 8) ^ kTables[0][(state ^ *p++) & 0xFFu];
    --size;
  }
  return state;
}

using RawFunction = std::uint32_t (*)(const unsigned char*, std::size_t, std::uint32_t);

RawFunction selected() {
  static const RawFunction function =
      crc32c_hardware_available() ? &crc32c_sse42_raw : &software_raw;
  return function;
}

}  // namespace

std::uint32_t crc32c_software(const void* data, std::size_t size, std::uint32_t crc) {
  return ~software_raw(static_cast<const unsigned char*>(data), size, ~crc);
}

std::uint32_t crc32c(const void* data, std::size_t size, std::uint32_t crc) {
  return ~selected()(static_cast<const unsigned char*>(data), size, ~crc);
}

const char* crc32c_implementation_name() {
  return selected() == &software_raw ? "software" : "sse4.2";
}

}  // namespace slide::model
