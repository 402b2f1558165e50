#pragma once

// Our own zstd decoder on libzstd's streaming API. Boost 1.74's zstd_decompressor reports a clean
// end when its input runs out inside a frame, so a truncated .zst would be read silently; this one
// raises DataError instead. It reads concatenated frames and skips
// skippable frames.

#include <cstddef>
#include <vector>

#include "slide/io/decoder.h"

struct ZSTD_DCtx_s;

namespace slide::io {

class ZstdDecoder final : public Decoder {
 public:
  explicit ZstdDecoder(FileReader& source);
  ~ZstdDecoder() override;
  ZstdDecoder(const ZstdDecoder&) = delete;
  ZstdDecoder& operator=(const ZstdDecoder&) = delete;

  std::size_t read(char* buffer, std::size_t n) override;

 private:
  FileReader& source_;
  ZSTD_DCtx_s* context_;
  std::vector<char> input_;
  std::size_t input_pos_ = 0;
  std::size_t input_size_ = 0;
  bool source_ended_ = false;
  // True from the first byte of a frame until libzstd reports it complete and flushed.
  bool inside_frame_ = false;
};

}  // namespace slide::io
