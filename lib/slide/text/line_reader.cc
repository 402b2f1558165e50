#include "slide/text/line_reader.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "slide/core/error.h"

namespace slide::text {

LineReader::LineReader(ByteSource source)
    : source_(std::move(source)), buffer_(new char[kCapacity]) {}

std::size_t LineReader::ensure(std::size_t n) {
  n = std::min(n, kCapacity);
  if (end_ - pos_ >= n || eof_) return end_ - pos_;
  if (pos_ > 0) {
    std::memmove(buffer_.get(), buffer_.get() + pos_, end_ - pos_);
    consumed_total_ += pos_;
    end_ -= pos_;
    pos_ = 0;
  }
  while (end_ < n && !eof_) {
    const std::size_t got = source_.read(buffer_.get() + end_, kCapacity - end_);
    if (got == 0) eof_ = true;
    end_ += got;
  }
  return end_ - pos_;
}

bool LineReader::line(std::string& out) {
  out.clear();
  bool any = false;
  for (;;) {
    if (ensure(1) == 0) {
      if (!any) return false;
      break;
    }
    any = true;
    const char* begin = data();
    const std::size_t avail = end_ - pos_;
    const char* nl = static_cast<const char*>(std::memchr(begin, '\n', avail));
    if (nl != nullptr) {
      out.append(begin, nl);
      skip(static_cast<std::size_t>(nl - begin) + 1);
      break;
    }
    if (out.size() + avail > max_line_bytes_) {
      throw DataError(name(), line_number_ + 1,
                      "a line of at most " + std::to_string(max_line_bytes_) +
                          " bytes, got a longer one (no newline within it: not a text file?)");
    }
    out.append(begin, avail);
    skip(avail);
  }
  if (!out.empty() && out.back() == '\r') out.pop_back();
  ++line_number_;
  return true;
}

std::size_t LineReader::read(char* dst, std::size_t n) {
  std::size_t done = 0;
  while (done < n) {
    const std::size_t avail = ensure(n - done);
    if (avail == 0) break;
    const std::size_t take = std::min(avail, n - done);
    std::memcpy(dst + done, data(), take);
    skip(take);
    done += take;
  }
  return done;
}

}  // namespace slide::text
