#include "slide/core/error.h"

#include <algorithm>

namespace slide {
namespace {

// Messages about bad input quote the input, which may hold anything: control bytes and invalid
// UTF-8 become \xNN, so that the message stays one printable line, and a message is cut at
// kMaxMessageBytes (an echoed 100 MB token must not become a 100 MB message).
constexpr std::size_t kMaxMessageBytes = 480;

// Length of the valid UTF-8 sequence at s[i] (1-4), or 0 if there is none.
std::size_t utf8_length(const std::string& s, std::size_t i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = byte(i);
  std::size_t n = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 0;
  if (c >= 0xF5) n = 0;
  if (n == 0 || i + n > s.size()) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((byte(i + k) & 0xC0) != 0x80) return 0;
  }
  const unsigned char d = byte(i + 1);
  if ((c == 0xE0 && d < 0xA0) || (c == 0xED && d > 0x9F) || (c == 0xF0 && d < 0x90) ||
      (c == 0xF4 && d > 0x8F)) {
    return 0;  // overlong, surrogate or beyond U+10FFFF
  }
  return n;
}

std::string printable(const std::string& text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(std::min(text.size(), kMaxMessageBytes) + 16);
  std::size_t i = 0;
  while (i < text.size() && out.size() < kMaxMessageBytes) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c < 0x7F) {
      out += static_cast<char>(c);
      ++i;
    } else if (std::size_t n = c >= 0x80 ? utf8_length(text, i) : 0; n > 0) {
      out.append(text, i, n);
      i += n;
    } else {
      out += "\\x";
      out += kHex[c >> 4];
      out += kHex[c & 15];
      ++i;
    }
  }
  if (i < text.size()) out += "... (message cut)";
  return out;
}

std::string located(const std::string& file, std::uint64_t line, std::uint64_t column,
                    const std::string& what) {
  std::string where = file;
  if (line > 0) {
    where += ":" + std::to_string(line);
    if (column > 0) where += ":" + std::to_string(column);
  }
  return printable(where + ": " + what);
}

}  // namespace

DataError::DataError(const std::string& file, std::uint64_t line,
                     const std::string& what_was_expected)
    : DataError(file, line, 0, what_was_expected) {}

DataError::DataError(const std::string& file, std::uint64_t line, std::uint64_t column,
                     const std::string& what_was_expected)
    : Error(located(file, line, column, what_was_expected)), file_(file), line_(line) {}

FormatError::FormatError(const std::string& file, const std::string& what)
    : Error(printable(file + ": " + what)) {}

InputOpenError::InputOpenError(const std::string& file, const std::string& reason)
    : Error(file + ": cannot open for reading: " + reason) {}

OutputCreateError::OutputCreateError(const std::string& file, const std::string& reason)
    : Error(file + ": cannot create: " + reason) {}

IoError::IoError(const std::string& file, const std::string& reason)
    : Error(file + ": " + reason) {}

InterruptedError::InterruptedError(int signal_number, const std::string& what)
    : Error(what), signal_number_(signal_number) {}

}  // namespace slide
