#include "slide/xc/line_source.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <utility>

#include "slide/core/error.h"

namespace slide::xc {
namespace {

constexpr std::size_t kBlockSize = std::size_t{1} << 20;

}  // namespace

BlockLineSource::BlockLineSource(std::string name) : name_(std::move(name)), buffer_(kBlockSize) {}

// Moves the unread tail to the front and appends what one read gives. Returns false at the end.
bool BlockLineSource::fill() {
  if (eof_) return false;
  if (begin_ > 0) {
    std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
    end_ -= begin_;
    begin_ = 0;
  }
  // A line longer than the buffer grows it (doubling keeps the total copying linear), up to the
  // longest line allowed plus one block.
  if (buffer_.size() - end_ < kBlockSize / 2) {
    buffer_.resize(
        std::min(buffer_.size() * 2, std::max(buffer_.size(), max_line_bytes_) + kBlockSize));
  }
  const std::size_t got = read_some(buffer_.data() + end_, buffer_.size() - end_);
  if (got == 0) {
    eof_ = true;
    return false;
  }
  end_ += got;
  return true;
}

void BlockLineSource::fail_long_line() const {
  throw DataError(name_, line_number_ + 1,
                  "a line of at most " + std::to_string(max_line_bytes_) +
                      " bytes, got a longer one (no newline within it: not a text data file?)");
}

StreamLineSource::StreamLineSource(std::istream& in, std::string name)
    : BlockLineSource(std::move(name)), in_(in) {}

std::size_t StreamLineSource::read_some(char* buffer, std::size_t n) {
  if (!in_) return 0;  // eof (or fail) met by an earlier short read
  in_.read(buffer, static_cast<std::streamsize>(n));
  if (in_.bad()) throw IoError(name(), "read error");
  return static_cast<std::size_t>(in_.gcount());
}

bool BlockLineSource::next(std::string_view& line) {
  std::size_t searched = begin_;
  for (;;) {
    const void* hit = std::memchr(buffer_.data() + searched, '\n', end_ - searched);
    if (hit != nullptr) {
      const std::size_t pos =
          static_cast<std::size_t>(static_cast<const char*>(hit) - buffer_.data());
      line = std::string_view(buffer_.data() + begin_, pos - begin_);
      begin_ = pos + 1;
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
  line = std::string_view(buffer_.data() + begin_, end_ - begin_);  // last line without '\n'
  begin_ = end_;
  ++line_number_;
  return true;
}

StringLineSource::StringLineSource(std::string_view text, std::string name)
    : rest_(text), name_(std::move(name)) {}

bool StringLineSource::next(std::string_view& line) {
  if (rest_.empty()) return false;
  const std::size_t pos = rest_.find('\n');
  if (pos == std::string_view::npos) {
    line = rest_;
    rest_ = {};
  } else {
    line = rest_.substr(0, pos);
    rest_.remove_prefix(pos + 1);
  }
  ++line_number_;
  return true;
}

}  // namespace slide::xc
