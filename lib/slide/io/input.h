#pragma once

// Reading an input file or stdin ("-"), plain or compressed with gzip, zstd, bzip2 or xz. The
// format is detected from the first bytes, never from the name. A truncated or corrupt stream
// raises DataError at the read that meets the problem; the clean end of a complete stream is not
// an error, and neither is an empty (0-byte) file, which reads as an empty plain input.
//
//   slide::io::LineReader lines(slide::io::open_source(path));   // "-" is stdin
//   std::string_view line;
//   while (lines.next(line)) parse(line, lines.name(), lines.line_number());
//
//   auto in = slide::io::open_input(path);    // the stream itself
//   std::vector<char> chunk(1 << 20);         // or bulk reads for a tokenizer
//   while (std::size_t n = in->read(chunk.data(), chunk.size())) consume(chunk.data(), n);

#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <string>
#include <vector>

#include "slide/io/byte_source.h"
#include "slide/io/compression.h"

namespace slide::io {

class FileReader;
class Decoder;

class InputStream {
 public:
  // Reads from fd, which is closed by the destructor when owns_fd. name is used in error messages.
  // Detects the compression (this reads the first few bytes). Throws IoError on a read error.
  InputStream(int fd, bool owns_fd, std::string name);
  ~InputStream();
  InputStream(const InputStream&) = delete;
  InputStream& operator=(const InputStream&) = delete;

  // Reads up to n decompressed bytes into buffer. Returns at least 1 byte (possibly fewer than n,
  // e.g. what a pipe has delivered so far), or 0 at the clean end of the input. (On a pipe, plain
  // and zstd input come through as soon as they arrive; gzip, bzip2 and xz go through Boost's
  // filter, which waits for a full 64 KiB-256 KiB block of output or the end.) Throws DataError
  // (truncated or corrupt compressed data, naming the file) or IoError (read error). After an
  // exception the stream is failed: every later read throws the same error again.
  std::size_t read(char* buffer, std::size_t n);

  // Reads exactly n bytes unless the input ends first; returns the number read (< n only at the
  // clean end). For fixed-size records (e.g. the floats of a binary vector). Throws like read().
  std::size_t read_full(char* buffer, std::size_t n);

  // Decompressed bytes handed out so far (for progress meters).
  std::uint64_t bytes_read() const { return bytes_read_; }

  // The path given to open_input(), or "<stdin>".
  const std::string& name() const { return name_; }

  Compression compression() const { return compression_; }

 private:
  std::size_t fill();
  [[noreturn]] void rethrow_failure() const;
  template <typename Operation>
  auto guarded(Operation&& operation);

  std::string name_;
  std::unique_ptr<FileReader> source_;
  std::unique_ptr<Decoder> decoder_;
  Compression compression_ = Compression::kNone;
  std::vector<char> buffer_;
  std::size_t buffer_pos_ = 0;
  std::size_t buffer_size_ = 0;
  std::uint64_t bytes_read_ = 0;
  bool ended_ = false;
  std::exception_ptr failure_;
};

// The stream as the library's ByteSource (its readers take one). The stream must outlive it.
ByteSource input_source(InputStream& in);
// open_input(path) as a ByteSource that owns the stream (InputOpenError as open_input).
ByteSource open_source(const std::string& path);

// Opens path for reading; "-" is stdin (named "<stdin>", not closed by the stream). Throws
// InputOpenError if the file is missing, unreadable or a directory.
std::unique_ptr<InputStream> open_input(const std::string& path);

}  // namespace slide::io
