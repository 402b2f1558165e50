#pragma once

// The one pull interface (and its push counterpart) over streams of bytes, so that every reader
// and writer of the library (XC data, corpora, vocabularies, vector and question files) works on
// any input however it was opened: a file or stdin, plain or decompressed (io::InputStream, through
// input_source() in input.h), a string in memory, a std::istream; and writes to a temporary file
// renamed on commit (output_sink() in output.h) or a std::ostream.

#include <cstddef>
#include <functional>
#include <istream>
#include <ostream>
#include <string>
#include <string_view>

namespace slide::io {

struct ByteSource {
  // Reads up to n bytes into buf and returns how many it read; returns 0 only at the end of the
  // input. Errors (a device error, a truncated compressed stream) are thrown, never returned.
  std::function<std::size_t(char* buf, std::size_t n)> read;
  // The name used in error messages (the path, or "<stdin>").
  std::string name;
};

struct ByteSink {
  // Writes all n bytes or throws (IoError naming the output).
  std::function<void(const char* data, std::size_t n)> write;
  std::string name;
};

// A view of bytes held in memory (tests, small inline data), handed out at most max_read bytes a
// call; the text must outlive the source.
ByteSource memory_source(std::string_view text, std::string name,
                         std::size_t max_read = static_cast<std::size_t>(-1));
// Adapts an istream. A stream that ends in the bad() state raises IoError naming `name`. The
// stream must outlive the source.
ByteSource istream_source(std::istream& in, std::string name);
// Adapts an ostream; a failed write raises IoError naming `name`.
ByteSink ostream_sink(std::ostream& out, std::string name);

}  // namespace slide::io
