#include "slide/model/atomic_output_file.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <vector>

#include "slide/core/error.h"

namespace slide::model {
namespace {

std::string errno_text(int error) { return std::strerror(error); }

std::string directory_of(const std::string& path) {
  const std::size_t slash = path.find_last_of('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

// The mode a plain creat() would give: 0666 less the umask. umask() itself cannot be read
// without setting it (racy with other threads), so read it from /proc; 0644 when unavailable.
mode_t default_file_mode() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("Umask:", 0) == 0) {
      const unsigned long mask = std::strtoul(line.c_str() + 6, nullptr, 8);
      return static_cast<mode_t>(0666u & ~mask);
    }
  }
  return 0644;
}

}  // namespace

AtomicOutputFile::AtomicOutputFile(std::string path) : path_(std::move(path)) {
  if (path_.empty() || path_.back() == '/') {
    throw OutputCreateError(path_, "not a file name");
  }
  std::vector<char> name(path_.begin(), path_.end());
  const std::string suffix = ".tmp.XXXXXX";
  name.insert(name.end(), suffix.begin(), suffix.end());
  name.push_back('\0');
  fd_ = ::mkostemp(name.data(), O_CLOEXEC);
  if (fd_ < 0) throw OutputCreateError(path_, errno_text(errno));
  temp_path_.assign(name.data());
  // Keep the mode of a file being replaced; otherwise what creat() would give (mkstemp uses 0600).
  struct stat existing {};
  const mode_t mode =
      ::stat(path_.c_str(), &existing) == 0 ? (existing.st_mode & 07777) : default_file_mode();
  if (::fchmod(fd_, mode) != 0) {
    const int error = errno;
    discard();
    throw OutputCreateError(path_, errno_text(error));
  }
}

AtomicOutputFile::~AtomicOutputFile() {
  if (!committed_) discard();
}

void AtomicOutputFile::write(const void* data, std::size_t size) {
  write_at(position_, data, size);
  position_ += size;
}

void AtomicOutputFile::write_at(std::uint64_t offset, const void* data, std::size_t size) {
  if (fd_ < 0) throw IoError(path_, "write after commit or discard");
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = ::pwrite(fd_, p, size, static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      throw IoError(path_, "write failed: " + errno_text(errno));
    }
    if (n == 0) throw IoError(path_, "write failed: no progress");
    p += n;
    offset += static_cast<std::uint64_t>(n);
    size -= static_cast<std::size_t>(n);
  }
}

void AtomicOutputFile::commit() {
  if (fd_ < 0) throw IoError(path_, "commit after commit or discard");
  try {
    if (::fsync(fd_) != 0) throw IoError(path_, "fsync failed: " + errno_text(errno));
    const int fd = fd_;
    fd_ = -1;
    if (::close(fd) != 0) {
      throw IoError(path_, "close failed: " + errno_text(errno));
    }
    if (::rename(temp_path_.c_str(), path_.c_str()) != 0) {
      throw IoError(path_, "rename from " + temp_path_ + " failed: " + errno_text(errno));
    }
  } catch (...) {
    discard();
    throw;
  }
  committed_ = true;
  // The rename is durable only once the directory entry is on disk. The new file is already in
  // place, so a failure here is reported but nothing is removed.
  const std::string directory = directory_of(path_);
  const int dir_fd = ::open(directory.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dir_fd < 0) throw IoError(path_, "cannot open directory to fsync: " + errno_text(errno));
  const int rc = ::fsync(dir_fd);
  const int error = errno;
  ::close(dir_fd);
  if (rc != 0 && error != EINVAL) {
    throw IoError(path_, "fsync of directory " + directory + " failed: " + errno_text(error));
  }
}

void AtomicOutputFile::discard() noexcept {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
  if (!committed_ && !temp_path_.empty()) {
    ::unlink(temp_path_.c_str());
    temp_path_.clear();
  }
}

}  // namespace slide::model
