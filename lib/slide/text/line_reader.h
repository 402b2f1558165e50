#pragma once

// A buffered reader over a ByteSource for the file parsers (vector files, vocabularies, question
// and similarity files): lines with their numbers, and, for binary records, a window of bytes that
// can be inspected before it is consumed.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "slide/text/byte_source.h"

namespace slide::text {

class LineReader {
 public:
  static constexpr std::size_t kCapacity = std::size_t{1} << 20;

  // The longest line line() returns; a longer one is a DataError naming its line, so that a file
  // without newlines cannot take unbounded memory. Far beyond any vocabulary, question or text
  // vector line (a 1-million-dimension vector is about 10 MB of text).
  static constexpr std::size_t kDefaultMaxLineBytes = std::size_t{64} << 20;

  explicit LineReader(ByteSource source);
  void set_max_line_bytes(std::size_t bytes) { max_line_bytes_ = bytes; }

  const std::string& name() const { return source_.name; }
  // Bytes consumed so far.
  std::uint64_t offset() const { return consumed_total_ + pos_; }
  // The number of the last line returned by line() (1-based; 0 before the first).
  std::uint64_t line_number() const { return line_number_; }

  // Next line without its '\n' and without one final '\r'; false at the end of the input. A last
  // line without '\n' is still a line. DataError for a line longer than the limit.
  bool line(std::string& out);

  // Makes at least min(n, kCapacity) bytes available unless the input ends first; returns how many
  // are available at data().
  std::size_t ensure(std::size_t n);
  const char* data() const { return buffer_.get() + pos_; }
  void skip(std::size_t n) { pos_ += n; }
  // Copies n bytes unless the input ends first; returns how many were copied.
  std::size_t read(char* dst, std::size_t n);

 private:
  ByteSource source_;
  std::unique_ptr<char[]> buffer_;
  std::size_t pos_ = 0, end_ = 0;
  std::uint64_t consumed_total_ = 0;
  std::uint64_t line_number_ = 0;
  bool eof_ = false;
  std::size_t max_line_bytes_ = kDefaultMaxLineBytes;
};

}  // namespace slide::text
