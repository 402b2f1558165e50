#include "slide/io/compression.h"

#include <algorithm>
#include <array>
#include <utility>

#include "slide/core/name_table.h"

namespace slide::io {
namespace {

// gzip: ID1 ID2 and CM = 8 (deflate), the only method gzip defines.
constexpr std::array<unsigned char, 3> kGzip = {0x1F, 0x8B, 0x08};
// zstd frame: 0xFD2FB528 little-endian.
constexpr std::array<unsigned char, 4> kZstd = {0x28, 0xB5, 0x2F, 0xFD};
// xz stream header magic.
constexpr std::array<unsigned char, 6> kXz = {0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00};

bool starts_with(std::span<const unsigned char> head, std::span<const unsigned char> magic) {
  return head.size() >= magic.size() && std::equal(magic.begin(), magic.end(), head.begin());
}

}  // namespace

Compression detect_compression(std::span<const unsigned char> head) {
  if (starts_with(head, kGzip)) return Compression::kGzip;
  if (starts_with(head, kZstd)) return Compression::kZstd;
  // zstd skippable frame: 0x184D2A50..0x184D2A5F little-endian. libzstd skips these itself.
  if (head.size() >= 4 && (head[0] & 0xF0) == 0x50 && head[1] == 0x2A && head[2] == 0x4D &&
      head[3] == 0x18) {
    return Compression::kZstd;
  }
  if (starts_with(head, kXz)) return Compression::kXz;
  // bzip2: "BZh" and the block size digit; the digit keeps text that starts with "BZh" plain.
  if (head.size() >= 4 && head[0] == 'B' && head[1] == 'Z' && head[2] == 'h' && head[3] >= '1' &&
      head[3] <= '9') {
    return Compression::kBzip2;
  }
  // A stream shorter than its magic (head holds the whole stream then): a file cut inside the
  // magic of a binary format must fail as that format, not pass as a tiny plain text. Two bytes
  // suffice for formats whose magic is not text; "B", "BZ", "BZh", "P*" stay plain.
  if (head.size() >= 2 && head.size() < kMagicBytes) {
    for (auto [magic, compression] :
         {std::pair{std::span<const unsigned char>(kGzip), Compression::kGzip},
          std::pair{std::span<const unsigned char>(kZstd), Compression::kZstd},
          std::pair{std::span<const unsigned char>(kXz), Compression::kXz}}) {
      std::size_t n = std::min(head.size(), magic.size());
      if (std::equal(head.begin(), head.begin() + n, magic.begin())) return compression;
    }
  }
  return Compression::kNone;
}

bool could_start_magic(std::span<const unsigned char> head) {
  auto is_prefix_of = [&head](std::span<const unsigned char> magic) {
    return head.size() < magic.size() && std::equal(head.begin(), head.end(), magic.begin());
  };
  if (is_prefix_of(kGzip) || is_prefix_of(kZstd) || is_prefix_of(kXz)) return true;
  static constexpr std::array<unsigned char, 3> kSkippableTail = {0x2A, 0x4D, 0x18};
  if (head.size() < 4 && (head.empty() || (head[0] & 0xF0) == 0x50) &&
      std::equal(head.begin() + (head.empty() ? 0 : 1), head.end(), kSkippableTail.begin())) {
    return true;
  }
  static constexpr std::array<unsigned char, 3> kBzip2 = {'B', 'Z', 'h'};
  return head.size() < 4 &&
         std::equal(head.begin(), head.begin() + std::min<std::size_t>(head.size(), 3),
                    kBzip2.begin());
}

const char* compression_name(Compression compression) {
  constexpr NameTable<Compression, 5> kNames{"compression",
                                             {{{Compression::kNone, "plain"},
                                               {Compression::kGzip, "gzip"},
                                               {Compression::kZstd, "zstd"},
                                               {Compression::kBzip2, "bzip2"},
                                               {Compression::kXz, "xz"}}}};
  return kNames.name(compression);
}

}  // namespace slide::io
