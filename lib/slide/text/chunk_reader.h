#pragma once

// Reads a text input in big blocks and hands out chunks that end just after a separator byte
// (space, tab or newline) or at the end of the input, carrying the partial word at the end of a
// block over to the next chunk (the oneTBB parallel_pipeline "partial token" rule). Tokenising the
// chunks one after the other with for_each_token gives exactly the token stream of the whole input,
// whatever the chunk size and however the source splits its reads.
//
// Chunks are bounded (at most chunk_bytes bytes), so even a corpus that is one 100 MB line (Text8)
// comes in bounded pieces. A word longer than the whole buffer is shortened in the reader to the
// kMaxWordBytes + 1 bytes that truncation looks at, so such words do not break the bound either.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "slide/io/byte_source.h"
#include "slide/text/tokenizer.h"

namespace slide::text {

class ChunkReader {
 public:
  static constexpr std::size_t kDefaultChunkBytes = std::size_t{1} << 20;
  // Smaller requests are raised to this (a chunk must hold one truncated word and then some).
  static constexpr std::size_t kMinChunkBytes = 2 * (kMaxWordBytes + 2);

  explicit ChunkReader(io::ByteSource source, std::size_t chunk_bytes = kDefaultChunkBytes);

  // Sets `chunk` to the next chunk and returns true, or returns false at the end of the input.
  // The view is valid until the next call. Every chunk is non-empty.
  bool next(std::string_view& chunk);
  // The same into an owned string (its capacity is reused), for pipelines that keep several
  // chunks in flight; `index` gets the chunk's number (0, 1, ...), the thing to seed per-chunk
  // random streams with.
  bool next(std::string& chunk, std::uint64_t* index = nullptr);

  // Bytes read from the source so far (compressed sources: decompressed bytes).
  std::uint64_t bytes_read() const { return bytes_read_; }
  const std::string& name() const { return source_.name; }

 private:
  std::size_t read_some(char* buf, std::size_t n);

  io::ByteSource source_;
  std::size_t capacity_;
  std::unique_ptr<char[]> buffer_;
  std::size_t filled_ = 0;    // bytes in buffer_
  std::size_t consumed_ = 0;  // bytes of buffer_ handed out by the last next()
  bool eof_ = false;
  std::uint64_t bytes_read_ = 0;
  std::uint64_t chunks_ = 0;
};

}  // namespace slide::text
