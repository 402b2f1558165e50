#include "slide/core/error.h"

namespace slide {
namespace {

std::string located(const std::string& file, std::uint64_t line, std::uint64_t column,
                    const std::string& what) {
  std::string where = file;
  if (line > 0) {
    where += ":" + std::to_string(line);
    if (column > 0) where += ":" + std::to_string(column);
  }
  return where + ": " + what;
}

}  // namespace

DataError::DataError(const std::string& file, std::uint64_t line,
                     const std::string& what_was_expected)
    : DataError(file, line, 0, what_was_expected) {}

DataError::DataError(const std::string& file, std::uint64_t line, std::uint64_t column,
                     const std::string& what_was_expected)
    : Error(located(file, line, column, what_was_expected)), file_(file), line_(line) {}

FormatError::FormatError(const std::string& file, const std::string& what)
    : Error(file + ": " + what) {}

InputOpenError::InputOpenError(const std::string& file, const std::string& reason)
    : Error(file + ": cannot open for reading: " + reason) {}

OutputCreateError::OutputCreateError(const std::string& file, const std::string& reason)
    : Error(file + ": cannot create: " + reason) {}

IoError::IoError(const std::string& file, const std::string& reason)
    : Error(file + ": " + reason) {}

InterruptedError::InterruptedError(int signal_number, const std::string& what)
    : Error(what), signal_number_(signal_number) {}

}  // namespace slide
