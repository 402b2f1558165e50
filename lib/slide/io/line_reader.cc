#include "slide/io/line_reader.h"

#include <algorithm>
#include <cstring>
#include <utility>

#include "slide/core/error.h"

namespace slide::io {

LineReader::LineReader(ByteSource source)
    : source_(std::move(source)), buffer_(new char[kBlockBytes]) {}

// Moves the unread tail to the front and appends what one read gives. False at the end.
bool LineReader::fill() {
  if (eof_) return false;
  if (begin_ > 0) {
    std::memmove(buffer_.get(), buffer_.get() + begin_, end_ - begin_);
    consumed_total_ += begin_;
    end_ -= begin_;
    begin_ = 0;
  }
  // A line longer than the buffer grows it (doubling keeps the total copying linear), up to the
  // longest line allowed plus one block.
  if (capacity_ - end_ < kBlockBytes / 2) {
    const std::size_t grown =
        std::min(capacity_ * 2, std::max(capacity_, max_line_bytes_) + kBlockBytes);
    if (grown > capacity_) {
      std::unique_ptr<char[]> larger(new char[grown]);
      std::memcpy(larger.get(), buffer_.get(), end_);
      buffer_ = std::move(larger);
      capacity_ = grown;
    }
  }
  const std::size_t got = source_.read(buffer_.get() + end_, capacity_ - end_);
  if (got == 0) {
    eof_ = true;
    return false;
  }
  end_ += got;
  return true;
}

void LineReader::fail_long_line() const {
  throw DataError(name(), line_number_ + 1,
                  "a line of at most " + std::to_string(max_line_bytes_) +
                      " bytes, got a longer one (no newline within it: not a text file?)");
}

bool LineReader::next(std::string_view& line) {
  std::size_t searched = begin_;
  for (;;) {
    const void* hit = std::memchr(buffer_.get() + searched, '\n', end_ - searched);
    if (hit != nullptr) {
      const auto position = static_cast<std::size_t>(static_cast<const char*>(hit) - buffer_.get());
      line = std::string_view(buffer_.get() + begin_, position - begin_);
      begin_ = position + 1;
      ++line_number_;
      return true;
    }
    const std::size_t scanned = end_ - begin_;
    if (scanned > max_line_bytes_) fail_long_line();
    if (!fill()) break;
    searched = begin_ + scanned;  // fill() moved the unread bytes to the front
  }
  if (begin_ == end_) return false;
  if (end_ - begin_ > max_line_bytes_) fail_long_line();
  line = std::string_view(buffer_.get() + begin_, end_ - begin_);  // last line without '\n'
  begin_ = end_;
  ++line_number_;
  return true;
}

bool LineReader::line(std::string& out) {
  std::string_view view;
  if (!next(view)) {
    out.clear();
    return false;
  }
  if (!view.empty() && view.back() == '\r') view.remove_suffix(1);
  out.assign(view);
  return true;
}

std::size_t LineReader::ensure(std::size_t n) {
  n = std::min(n, kBlockBytes);
  while (end_ - begin_ < n && fill()) {
  }
  return end_ - begin_;
}

std::size_t LineReader::read(char* destination, std::size_t n) {
  std::size_t done = 0;
  while (done < n) {
    const std::size_t available = ensure(n - done);
    if (available == 0) break;
    const std::size_t take = std::min(available, n - done);
    std::memcpy(destination + done, data(), take);
    skip(take);
    done += take;
  }
  return done;
}

}  // namespace slide::io
