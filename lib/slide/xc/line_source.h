#pragma once

// A source of text lines with line numbers, the one thing the XC readers need from their input.
// Readers take a LineSource& rather than a path so that they work on any stream (a file, stdin, a
// decompressing stream from slide/io, an in-memory string in tests).

#include <cstdint>
#include <istream>
#include <string>
#include <string_view>
#include <vector>

namespace slide::xc {

class LineSource {
 public:
  virtual ~LineSource() = default;

  // Sets `line` to the next line without its '\n' and returns true, or returns false at the end of
  // the input. The view stays valid until the next call. A last line without '\n' is still a line;
  // an input ending in '\n' has no extra empty line after it.
  virtual bool next(std::string_view& line) = 0;

  // 1-based number of the line last returned by next() (0 before the first).
  virtual std::uint64_t line_number() const = 0;

  // The input's name for messages ("train.txt", "<stdin>").
  virtual const std::string& name() const = 0;
};

// Lines cut out of large blocks with memchr (no per-line call into the input, no per-line
// allocation). Subclasses say where the bytes come from.
class BlockLineSource : public LineSource {
 public:
  // The longest line next() returns: a longer one is a DataError naming its line, so that a file
  // without newlines (a binary, a wrong file) cannot take unbounded memory. 64 MiB is far beyond
  // any sparse row (a dense row of 4 million features fits).
  static constexpr std::size_t kDefaultMaxLineBytes = std::size_t{64} << 20;

  explicit BlockLineSource(std::string name);

  // Lowers or raises the limit above (tests use a small one).
  void set_max_line_bytes(std::size_t bytes) { max_line_bytes_ = bytes; }
  std::size_t max_line_bytes() const { return max_line_bytes_; }

  bool next(std::string_view& line) final;
  std::uint64_t line_number() const final { return line_number_; }
  const std::string& name() const final { return name_; }

 protected:
  // Reads up to n bytes into buffer; returns how many (at least 1), or 0 at the end of the input.
  virtual std::size_t read_some(char* buffer, std::size_t n) = 0;

 private:
  bool fill();
  [[noreturn]] void fail_long_line() const;

  std::string name_;
  std::size_t max_line_bytes_ = kDefaultMaxLineBytes;
  std::vector<char> buffer_;
  std::size_t begin_ = 0;  // first unread byte in buffer_
  std::size_t end_ = 0;    // one past the last valid byte in buffer_
  bool eof_ = false;
  std::uint64_t line_number_ = 0;
};

// Lines of a std::istream. A read error (badbit) throws IoError naming the input.
class StreamLineSource final : public BlockLineSource {
 public:
  StreamLineSource(std::istream& in, std::string name);

 private:
  std::size_t read_some(char* buffer, std::size_t n) override;

  std::istream& in_;
};

// Lines of a string held in memory (tests, small inline data). The string must outlive the source.
class StringLineSource final : public LineSource {
 public:
  StringLineSource(std::string_view text, std::string name);

  bool next(std::string_view& line) override;
  std::uint64_t line_number() const override { return line_number_; }
  const std::string& name() const override { return name_; }

 private:
  std::string_view rest_;
  std::string name_;
  std::uint64_t line_number_ = 0;
};

}  // namespace slide::xc
