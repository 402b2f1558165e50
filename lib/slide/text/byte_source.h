#pragma once

// Minimal pull and push interfaces over streams of bytes, so that the text and vector readers and
// writers do not depend on how a file was opened (plain file, stdin, decompressing filter, temp
// file renamed on commit). The io area's InputStream and OutputStream are adapted to them in
// io_adapters.h; std::istream and std::ostream below.

#include <cstddef>
#include <functional>
#include <istream>
#include <ostream>
#include <string>

namespace slide::text {

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

// Adapts an istream. A stream that ends in the bad() state raises IoError naming `name`. The
// stream must outlive the source.
ByteSource istream_source(std::istream& in, std::string name);
// Adapts an ostream; a failed write raises IoError naming `name`.
ByteSink ostream_sink(std::ostream& out, std::string name);

}  // namespace slide::text
