#include "slide/io/file_reader.h"

#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "slide/core/error.h"

namespace slide::io {

FileReader::FileReader(int fd, bool owns_fd, std::string name)
    : fd_(fd), owns_fd_(owns_fd), name_(std::move(name)) {}

FileReader::~FileReader() {
  if (owns_fd_) ::close(fd_);
}

std::span<const unsigned char> FileReader::peek_head() {
  // A pipe may deliver the magic bytes in several pieces: read until we have them all, the end,
  // or enough to rule out every format (a terminal or a line-by-line producer may send less).
  while (head_size_ < head_.size() && could_start_magic({head_.data(), head_size_})) {
    std::size_t got =
        read_fd(reinterpret_cast<char*>(head_.data()) + head_size_, head_.size() - head_size_);
    if (got == 0) break;
    head_size_ += got;
  }
  return {head_.data(), head_size_};
}

std::size_t FileReader::read(char* buffer, std::size_t n) {
  if (n == 0) return 0;
  if (head_pos_ < head_size_) {
    std::size_t take = std::min(n, head_size_ - head_pos_);
    std::memcpy(buffer, head_.data() + head_pos_, take);
    head_pos_ += take;
    return take;
  }
  return read_fd(buffer, n);
}

std::size_t FileReader::read_fd(char* buffer, std::size_t n) {
  for (;;) {
    ssize_t got = ::read(fd_, buffer, n);
    if (got >= 0) return static_cast<std::size_t>(got);
    if (errno == EINTR) continue;
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      // A non-blocking descriptor (a parent may leave stdin so): wait until it has data.
      pollfd ready{fd_, POLLIN, 0};
      if (::poll(&ready, 1, -1) >= 0 || errno == EINTR) continue;
    }
    throw IoError(name_, std::string("read error: ") + std::strerror(errno));
  }
}

}  // namespace slide::io
