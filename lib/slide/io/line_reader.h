#pragma once

// The one buffered reader of the library's text parsers (XC data sets, vocabularies, vector,
// question and similarity files): lines with their numbers, cut out of large blocks with memchr
// (no per-line call into the source, no per-line allocation), and, for binary records, a window of
// bytes that can be inspected before it is consumed.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "slide/io/byte_source.h"

namespace slide::io {

class LineReader {
 public:
  // Bytes asked of the source at a time, and the most that ensure() makes available.
  static constexpr std::size_t kBlockBytes = std::size_t{1} << 20;
  // The longest line returned: a longer one is a DataError naming its line, so that an input
  // without newlines (a binary, a wrong file) cannot take unbounded memory. 64 MiB is far beyond
  // any sparse row, vocabulary, question or text vector line (a dense row of 4 million features,
  // a 1-million-dimension vector in text).
  static constexpr std::size_t kDefaultMaxLineBytes = std::size_t{64} << 20;

  explicit LineReader(ByteSource source);

  void set_max_line_bytes(std::size_t bytes) { max_line_bytes_ = bytes; }
  std::size_t max_line_bytes() const { return max_line_bytes_; }
  const std::string& name() const { return source_.name; }
  // The number of the last line returned (1-based; 0 before the first).
  std::uint64_t line_number() const { return line_number_; }
  // Bytes consumed so far.
  std::uint64_t offset() const { return consumed_total_ + begin_; }

  // The next line without its '\n' (a '\r' before it is kept: the data parsers treat it as
  // trailing blank). Valid until the next call. A last line without '\n' is still a line; an input
  // ending in '\n' has no empty line after it. False at the end of the input.
  bool next(std::string_view& line);
  // The same into `out`, without one final '\r' as well (the text file parsers).
  bool line(std::string& out);

  // Makes at least min(n, kBlockBytes) bytes available unless the input ends first; returns how
  // many are available at data().
  std::size_t ensure(std::size_t n);
  const char* data() const { return buffer_.get() + begin_; }
  void skip(std::size_t n) { begin_ += n; }
  // Copies n bytes unless the input ends first; returns how many were copied.
  std::size_t read(char* destination, std::size_t n);

 private:
  bool fill();
  [[noreturn]] void fail_long_line() const;

  ByteSource source_;
  std::size_t max_line_bytes_ = kDefaultMaxLineBytes;
  // Not a std::vector: its zero-filling of every new buffer would cost a megabyte of writes per
  // reader (readers are made per file, and per input when fuzzing).
  std::unique_ptr<char[]> buffer_;
  std::size_t capacity_ = kBlockBytes;
  std::size_t begin_ = 0;  // first unread byte in buffer_
  std::size_t end_ = 0;    // one past the last valid byte in buffer_
  bool eof_ = false;
  std::uint64_t consumed_total_ = 0;  // bytes dropped from the front of buffer_
  std::uint64_t line_number_ = 0;
};

}  // namespace slide::io
