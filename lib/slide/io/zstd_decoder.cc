#include "slide/io/zstd_decoder.h"

#include <zstd.h>

#include <string>

#include "slide/core/error.h"

namespace slide::io {
namespace {

// Accept frames written with `zstd --long=31` (the default limit, 27, refuses them).
constexpr int kMaxWindowLog = 31;

}  // namespace

ZstdDecoder::ZstdDecoder(FileReader& source)
    : source_(source), context_(ZSTD_createDCtx()), input_(ZSTD_DStreamInSize()) {
  if (context_ == nullptr) throw ResourceError(source_.name() + ": cannot allocate a zstd context");
  ZSTD_DCtx_setParameter(context_, ZSTD_d_windowLogMax, kMaxWindowLog);
}

ZstdDecoder::~ZstdDecoder() {
  ZSTD_freeDCtx(context_);
}

std::size_t ZstdDecoder::read(char* buffer, std::size_t n) {
  if (n == 0) return 0;
  ZSTD_outBuffer out{buffer, n, 0};
  for (;;) {
    // Call libzstd when there is input, and also without input while a frame is open: it may
    // still hold decoded bytes that did not fit into the previous caller's buffer.
    if (input_pos_ < input_size_ || inside_frame_) {
      ZSTD_inBuffer in{input_.data(), input_size_, input_pos_};
      std::size_t result = ZSTD_decompressStream(context_, &out, &in);
      input_pos_ = in.pos;
      if (ZSTD_isError(result)) {
        throw DataError(source_.name(), 0,
                        std::string("corrupt zstd data (") + ZSTD_getErrorName(result) +
                            "): expected a valid zstd frame");
      }
      // 0 means the frame is complete and fully flushed; anything else, that it is not.
      inside_frame_ = result != 0;
      if (out.pos > 0) return out.pos;
      if (input_pos_ < input_size_) continue;
    }
    if (source_ended_) {
      if (inside_frame_) {
        throw DataError(source_.name(), 0,
                        "truncated zstd frame (the file ends inside a compressed frame)");
      }
      return 0;
    }
    input_size_ = source_.read(input_.data(), input_.size());
    input_pos_ = 0;
    if (input_size_ == 0) source_ended_ = true;
  }
}

}  // namespace slide::io
