#pragma once

// The raw bytes of an input: a file descriptor read with read(2), with the first bytes of the
// stream held back so that the compression can be detected from them on a pipe, which cannot seek.

#include <array>
#include <cstddef>
#include <span>
#include <string>

#include "slide/io/compression.h"

namespace slide::io {

class FileReader {
 public:
  // Takes ownership of fd when owns_fd (it is closed by the destructor).
  FileReader(int fd, bool owns_fd, std::string name);
  ~FileReader();
  FileReader(const FileReader&) = delete;
  FileReader& operator=(const FileReader&) = delete;

  // Reads the first kMagicBytes bytes (fewer if the stream is shorter, or once they rule out every
  // compressed format) and keeps them for read(). Call once, before any read().
  std::span<const unsigned char> peek_head();

  // Reads up to n bytes; returns 0 only at the end of the stream. Throws IoError on a read error.
  std::size_t read(char* buffer, std::size_t n);

  const std::string& name() const { return name_; }

 private:
  std::size_t read_fd(char* buffer, std::size_t n);

  int fd_;
  bool owns_fd_;
  std::string name_;
  std::array<unsigned char, kMagicBytes> head_{};
  std::size_t head_size_ = 0;
  std::size_t head_pos_ = 0;
};

}  // namespace slide::io
