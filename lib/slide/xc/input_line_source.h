#pragma once

// A LineSource over slide/io's InputStream: a path or "-" (stdin), plain or compressed (gzip, zstd,
// bzip2, xz, detected from the first bytes). A truncated or corrupt compressed stream throws
// DataError naming the file from next(); a read error throws IoError.

#include <cstdint>
#include <memory>
#include <string>

#include "slide/io/input.h"
#include "slide/xc/line_source.h"

namespace slide::xc {

class InputLineSource final : public BlockLineSource {
 public:
  // io::open_input(path): InputOpenError if the file cannot be opened.
  explicit InputLineSource(const std::string& path);
  explicit InputLineSource(std::unique_ptr<io::InputStream> in);

  // Decompressed bytes read so far (for progress meters; counts whole blocks, ahead of next()).
  std::uint64_t bytes_read() const { return in_->bytes_read(); }
  const io::InputStream& stream() const { return *in_; }

 private:
  std::size_t read_some(char* buffer, std::size_t n) override { return in_->read(buffer, n); }

  std::unique_ptr<io::InputStream> in_;
};

}  // namespace slide::xc
