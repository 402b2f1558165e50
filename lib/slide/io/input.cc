#include "slide/io/input.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "slide/core/error.h"
#include "slide/io/decoder.h"
#include "slide/io/file_reader.h"

namespace slide::io {
namespace {

// Big enough that line reading costs one decoder call per many lines; reads of at least this
// size bypass the buffer.
constexpr std::size_t kBufferSize = 256 * 1024;

}  // namespace

InputStream::InputStream(int fd, bool owns_fd, std::string name)
    : name_(std::move(name)), source_(std::make_unique<FileReader>(fd, owns_fd, name_)) {
  compression_ = detect_compression(source_->peek_head());
  decoder_ = make_decoder(compression_, *source_);
}

InputStream::~InputStream() = default;

void InputStream::rethrow_failure() const {
  std::rethrow_exception(failure_);
}

template <typename Operation>
auto InputStream::guarded(Operation&& operation) {
  if (failure_) rethrow_failure();
  try {
    return operation();
  } catch (...) {
    failure_ = std::current_exception();
    throw;
  }
}

std::size_t InputStream::fill() {
  if (buffer_.empty()) buffer_.resize(kBufferSize);
  buffer_pos_ = 0;
  buffer_size_ = ended_ ? 0 : decoder_->read(buffer_.data(), buffer_.size());
  if (buffer_size_ == 0) ended_ = true;
  return buffer_size_;
}

std::size_t InputStream::read(char* buffer, std::size_t n) {
  if (n == 0) return 0;
  return guarded([&]() -> std::size_t {
    std::size_t got = 0;
    if (buffer_pos_ < buffer_size_) {
      got = std::min(n, buffer_size_ - buffer_pos_);
      std::memcpy(buffer, buffer_.data() + buffer_pos_, got);
      buffer_pos_ += got;
    } else if (ended_) {
      return 0;
    } else if (n >= kBufferSize) {
      got = decoder_->read(buffer, n);
      if (got == 0) ended_ = true;
    } else if (fill() > 0) {
      got = std::min(n, buffer_size_);
      std::memcpy(buffer, buffer_.data(), got);
      buffer_pos_ = got;
    }
    bytes_read_ += got;
    return got;
  });
}

std::size_t InputStream::read_full(char* buffer, std::size_t n) {
  std::size_t total = 0;
  while (total < n) {
    std::size_t got = read(buffer + total, n - total);
    if (got == 0) break;
    total += got;
  }
  return total;
}

ByteSource input_source(InputStream& in) {
  return {[&in](char* buffer, std::size_t n) { return in.read(buffer, n); }, in.name()};
}

ByteSource open_source(const std::string& path) {
  std::shared_ptr<InputStream> in = open_input(path);
  std::string name = in->name();
  return {[in = std::move(in)](char* buffer, std::size_t n) { return in->read(buffer, n); },
          std::move(name)};
}

std::unique_ptr<InputStream> open_input(const std::string& path) {
  if (path == "-") return std::make_unique<InputStream>(STDIN_FILENO, false, "<stdin>");
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) throw InputOpenError(path, std::strerror(errno));
  struct stat info {};
  if (::fstat(fd, &info) != 0) {
    int error = errno;
    ::close(fd);
    throw InputOpenError(path, std::strerror(error));
  }
  if (S_ISDIR(info.st_mode)) {
    ::close(fd);
    throw InputOpenError(path, "is a directory");
  }
  return std::make_unique<InputStream>(fd, true, path);
}

}  // namespace slide::io
