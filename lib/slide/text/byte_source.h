#pragma once

// A minimal pull interface over a stream of bytes, so that the text and vector readers do not
// depend on how the input was opened (plain file, stdin, decompressing filter). The io area's
// open_input() is adapted to it in one place (see from_input in chunk_reader.h).

#include <cstddef>
#include <functional>
#include <istream>
#include <string>

namespace slide::text {

struct ByteSource {
  // Reads up to n bytes into buf and returns how many it read; returns 0 only at the end of the
  // input. Errors (a device error, a truncated compressed stream) are thrown, never returned.
  std::function<std::size_t(char* buf, std::size_t n)> read;
  // The name used in error messages ("-" or "<stdin>" for standard input, else the path).
  std::string name;
};

// Adapts an istream. A stream that ends in the bad() state raises IoError naming `name`.
ByteSource istream_source(std::istream& in, std::string name);

}  // namespace slide::text
