#pragma once

// The decompression stage of an input: turns the raw bytes of a FileReader into the bytes the
// caller reads. Every implementation raises DataError at the read that meets a truncated or
// corrupt stream, and returns 0 only at the clean end of a complete stream.

#include <cstddef>
#include <memory>

#include "slide/io/compression.h"
#include "slide/io/file_reader.h"

namespace slide::io {

class Decoder {
 public:
  virtual ~Decoder() = default;

  // Decodes up to n bytes into buffer. Returns at least 1 byte, or 0 at the clean end of the
  // input. Throws DataError (truncated or corrupt data) or IoError (read error).
  virtual std::size_t read(char* buffer, std::size_t n) = 0;
};

// The decoder for compression, reading from source (which must outlive it).
std::unique_ptr<Decoder> make_decoder(Compression compression, FileReader& source);

}  // namespace slide::io
