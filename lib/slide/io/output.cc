#include "slide/io/output.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>

#include "slide/core/error.h"

namespace slide::io {
namespace {

constexpr std::size_t kBufferSize = 256 * 1024;

std::string errno_text() {
  return std::strerror(errno);
}

// The process umask, read without changing it: umask(2) can only be queried by setting it, which
// would race with files other threads create meanwhile.
mode_t current_umask() {
  std::ifstream status("/proc/self/status");
  std::string key;
  while (status >> key) {
    if (key == "Umask:") {
      std::string value;
      status >> value;
      return static_cast<mode_t>(std::strtoul(value.c_str(), nullptr, 8));
    }
    status.ignore(1 << 20, '\n');
  }
  mode_t mask = ::umask(022);
  ::umask(mask);
  return mask;
}

void write_all(int fd, const char* data, std::size_t n, const std::string& name) {
  while (n > 0) {
    ssize_t written = ::write(fd, data, n);
    if (written == 0) throw IoError(name, "write error: no progress");
    if (written < 0) {
      if (errno == EINTR) continue;
      throw IoError(name, "write error: " + errno_text());
    }
    data += written;
    n -= static_cast<std::size_t>(written);
  }
}

// Whether open_output writes an existing `path` in place (no temporary file, no rename): a device,
// FIFO or socket, or a link to a descriptor (/dev/stdout, /dev/fd/N, /proc/self/fd/N), which may
// be open on a regular file but is never to be replaced.
bool writes_in_place(const std::string& path, bool exists, const struct stat& existing) {
  if (!exists) return false;
  if (!S_ISREG(existing.st_mode)) return true;
  return path == "/dev/stdout" || path == "/dev/stderr" || path.rfind("/dev/fd/", 0) == 0 ||
         path.rfind("/proc/", 0) == 0;
}

}  // namespace

OutputStream::OutputStream(int fd, std::string name) : OutputStream(fd, std::move(name), {}) {}

OutputStream::OutputStream(int fd, std::string name, std::string temporary_path)
    : fd_(fd),
      name_(std::move(name)),
      temporary_path_(std::move(temporary_path)),
      is_file_(!temporary_path_.empty()),
      buffer_(kBufferSize) {}

OutputStream::~OutputStream() {
  if (!committed_) discard();
  if (owns_fd_ && fd_ >= 0) ::close(fd_);
}

void OutputStream::discard() noexcept {
  // Uncommitted: the temporary file goes, and whatever was at the path stays as it was.
  if (is_file_ && !committed_) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
    if (!temporary_path_.empty()) ::unlink(temporary_path_.c_str());
    temporary_path_.clear();
  }
  buffer_size_ = 0;
  closed_ = true;
}

void OutputStream::check_open() const {
  if (closed_) throw UsageError(name_ + ": write after commit or discard");
}

void OutputStream::flush_buffer() {
  check_open();
  std::size_t n = buffer_size_;
  buffer_size_ = 0;
  write_all(fd_, buffer_.data(), n, name_);
  flushed_ += n;
}

void OutputStream::write(const char* data, std::size_t n) {
  check_open();
  if (buffer_size_ + n <= buffer_.size()) {
    std::memcpy(buffer_.data() + buffer_size_, data, n);
    buffer_size_ += n;
    return;
  }
  flush_buffer();
  if (n >= buffer_.size()) {
    write_all(fd_, data, n, name_);
    flushed_ += n;
  } else {
    std::memcpy(buffer_.data(), data, n);
    buffer_size_ = n;
  }
}

void OutputStream::flush() {
  flush_buffer();
}

void OutputStream::write_at(std::uint64_t offset, const char* data, std::size_t n) {
  check_open();
  if (!is_file_) throw UsageError(name_ + ": cannot rewrite bytes of a stream");
  if (offset > position() || n > position() - offset) {
    throw UsageError(name_ + ": write_at past the bytes written");
  }
  flush_buffer();
  while (n > 0) {
    ssize_t written = ::pwrite(fd_, data, n, static_cast<off_t>(offset));
    if (written < 0) {
      if (errno == EINTR) continue;
      throw IoError(name_, "write error: " + errno_text());
    }
    data += written;
    offset += static_cast<std::uint64_t>(written);
    n -= static_cast<std::size_t>(written);
  }
}

void OutputStream::commit() {
  flush_buffer();
  closed_ = true;
  if (is_file_) {
    // Disk full and similar errors may surface only here, so each step is checked.
    if (::fsync(fd_) != 0) throw IoError(name_, "cannot sync to disk: " + errno_text());
    int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) throw IoError(name_, "error closing the file: " + errno_text());
    if (::rename(temporary_path_.c_str(), name_.c_str()) != 0) {
      throw IoError(name_, "cannot move " + temporary_path_ + " into place: " + errno_text());
    }
    // Make the rename itself durable; failure here loses nothing already written.
    std::size_t slash = name_.rfind('/');
    std::string directory = slash == std::string::npos ? "." : name_.substr(0, slash + 1);
    int directory_fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (directory_fd >= 0) {
      ::fsync(directory_fd);
      ::close(directory_fd);
    }
  }
  committed_ = true;
}

bool OutputStream::is_terminal() const {
  return fd_ >= 0 && ::isatty(fd_) == 1;
}

std::unique_ptr<OutputStream> open_output(const std::string& path) {
  if (path == "-") return std::make_unique<OutputStream>(STDOUT_FILENO, "<stdout>");
  if (path.empty()) throw OutputCreateError(path, "empty path");
  struct stat existing {};
  bool exists = ::stat(path.c_str(), &existing) == 0;
  if ((exists && S_ISDIR(existing.st_mode)) || path.back() == '/') {
    throw OutputCreateError(path, "is a directory");
  }
  if (writes_in_place(path, exists, existing)) {
    // A device, FIFO or socket (/dev/null, /dev/stdout, a named pipe) has no file to replace: it
    // is written in place, as stdout is. Renaming a temporary onto it would replace the device
    // node (as root, /dev/null itself) with a regular file.
    int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) throw OutputCreateError(path, errno_text());
    auto out = std::make_unique<OutputStream>(fd, path);
    out->owns_fd_ = true;
    return out;
  }
  std::size_t slash = path.rfind('/');
  std::string directory = slash == std::string::npos ? "" : path.substr(0, slash + 1);
  std::string base = slash == std::string::npos ? path : path.substr(slash + 1);
  std::string temporary = directory + "." + base + ".tmp.XXXXXX";
  int fd = ::mkostemp(temporary.data(), O_CLOEXEC);
  if (fd < 0) throw OutputCreateError(path, errno_text());
  // mkstemp creates 0600; give the file the mode a plain open(O_CREAT, 0666) would, or keep the
  // mode of the file being replaced.
  mode_t mode =
      exists && S_ISREG(existing.st_mode) ? (existing.st_mode & 07777) : (0666 & ~current_umask());
  if (::fchmod(fd, mode) != 0) {
    int error = errno;
    ::close(fd);
    ::unlink(temporary.c_str());
    throw OutputCreateError(path, std::strerror(error));
  }
  return std::unique_ptr<OutputStream>(new OutputStream(fd, path, std::move(temporary)));
}

ByteSink output_sink(OutputStream& out) {
  return {[&out](const char* data, std::size_t n) { out.write(data, n); }, out.name()};
}

}  // namespace slide::io
