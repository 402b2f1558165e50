#include "slide/text/chunk_reader.h"

#include <algorithm>
#include <cstring>

namespace slide::text {

ChunkReader::ChunkReader(io::ByteSource source, std::size_t chunk_bytes)
    : source_(std::move(source)),
      capacity_(std::max(chunk_bytes, kMinChunkBytes)),
      buffer_(new char[capacity_]) {}

std::size_t ChunkReader::read_some(char* buf, std::size_t n) {
  const std::size_t got = source_.read(buf, n);
  if (got == 0) eof_ = true;
  bytes_read_ += got;
  return got;
}

bool ChunkReader::next(std::string& chunk, std::uint64_t* index) {
  const std::uint64_t number = chunks_;
  std::string_view view;
  if (!next(view)) return false;
  chunk.assign(view.data(), view.size());
  if (index != nullptr) *index = number;
  return true;
}

bool ChunkReader::next(std::string_view& chunk) {
  char* const buf = buffer_.get();
  if (consumed_ > 0) {
    // The carried-over partial word moves to the front.
    std::memmove(buf, buf + consumed_, filled_ - consumed_);
    filled_ -= consumed_;
    consumed_ = 0;
  }
  for (;;) {
    while (!eof_ && filled_ < capacity_) filled_ += read_some(buf + filled_, capacity_ - filled_);
    std::size_t end = filled_;
    while (end > 0 && !is_separator(buf[end - 1])) --end;
    if (end > 0) {
      chunk = std::string_view(buf, end);
      consumed_ = end;
      ++chunks_;
      return true;
    }
    if (eof_) {
      if (filled_ == 0) return false;
      chunk = std::string_view(buf, filled_);
      consumed_ = filled_;
      ++chunks_;
      return true;
    }
    // The buffer holds one partial word and nothing else. Keep the kMaxWordBytes + 1 bytes
    // (without '\r') that decide its truncation, and drop the rest of it up to the next separator.
    std::size_t kept = 0;
    for (std::size_t i = 0; i < filled_ && kept <= kMaxWordBytes; ++i) {
      if (buf[i] != '\r') buf[kept++] = buf[i];
    }
    filled_ = kept;
    // Fewer than kMaxWordBytes + 1 word bytes in a full buffer (the rest were '\r'): the
    // compaction made room, so read more of the word before deciding its truncation.
    if (kept <= kMaxWordBytes) continue;
    while (!eof_) {
      const std::size_t got = read_some(buf + filled_, capacity_ - filled_);
      const char* const fresh = buf + filled_;
      const char* const sep = std::find_if(fresh, fresh + got, is_separator);
      if (sep != fresh + got) {
        const std::size_t rest = static_cast<std::size_t>(fresh + got - sep);
        std::memmove(buf + filled_, sep, rest);
        filled_ += rest;
        break;
      }
    }
  }
}

}  // namespace slide::text
