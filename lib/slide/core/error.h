#pragma once

// Typed errors of the library. The library never prints and never exits: it throws one of these,
// and the applications map each type to one documented exit code (apps/common/exit_codes.h).

#include <cstdint>
#include <stdexcept>
#include <string>

namespace slide {

// Base of every error the library throws on purpose.
class Error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// A bad option or combination of options, or a request the machine cannot honour (e.g. a kernel
// set the CPU lacks).
class UsageError : public Error {
 public:
  using Error::Error;
};

// Malformed input data: a bad line, a truncated or corrupt compressed stream. The message names
// the file and, where there is one, the line (and column).
class DataError : public Error {
 public:
  // line == 0 means "no line applies" (e.g. a truncated compressed stream).
  DataError(const std::string& file, std::uint64_t line, const std::string& what_was_expected);
  DataError(const std::string& file, std::uint64_t line, std::uint64_t column,
            const std::string& what_was_expected);

  const std::string& file() const { return file_; }
  std::uint64_t line() const { return line_; }

 private:
  std::string file_;
  std::uint64_t line_ = 0;
};

// A model or checkpoint file that is not what it should be: bad magic, newer version, checksum
// mismatch, truncation, inconsistent sizes.
class FormatError : public Error {
 public:
  FormatError(const std::string& file, const std::string& what);
};

// An input that cannot be opened (missing, unreadable, a directory).
class InputOpenError : public Error {
 public:
  InputOpenError(const std::string& file, const std::string& reason);
};

// An output that cannot be created (missing or read-only directory).
class OutputCreateError : public Error {
 public:
  OutputCreateError(const std::string& file, const std::string& reason);
};

// A read or write that failed after the file was opened (disk full, device error).
class IoError : public Error {
 public:
  IoError(const std::string& file, const std::string& reason);
};

// Training diverged: NaN or infinite loss or weights.
class DivergenceError : public Error {
 public:
  using Error::Error;
};

// A configuration that does not fit in the memory available.
class ResourceError : public Error {
 public:
  using Error::Error;
};

// The run was interrupted by a signal after saving what it had to save.
class InterruptedError : public Error {
 public:
  InterruptedError(int signal_number, const std::string& what);
  int signal_number() const { return signal_number_; }

 private:
  int signal_number_;
};

}  // namespace slide
