#pragma once

// Internal helpers of the XC text readers (dataset_reader.cc, predictions_io.cc): scanning ids and
// values in a line with std::from_chars and reporting problems as DataError with a 1-based column.
// Not part of the public API.

#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <string_view>
#include <system_error>

#include "slide/core/error.h"

namespace slide::xc::detail {

// Ids must leave room for "count = largest id + 1" in 32 bits.
inline constexpr std::uint64_t kMaxId = std::numeric_limits<std::uint32_t>::max() - 1;

inline bool is_blank(char c) {
  return c == ' ' || c == '\t';
}
inline bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

// One line being parsed: knows where it is for messages.
class LineCursor {
 public:
  LineCursor(const std::string& file, std::uint64_t line_number, std::string_view line)
      : file_(file),
        line_number_(line_number),
        begin_(line.data()),
        end_(line.data() + line.size()) {
    if (end_ != begin_ && end_[-1] == '\r') --end_;  // tolerate CRLF files
  }

  const char* begin() const { return begin_; }
  const char* end() const { return end_; }

  std::uint64_t column(const char* p) const { return static_cast<std::uint64_t>(p - begin_) + 1; }

  [[gnu::noinline, gnu::cold, noreturn]] void fail(const char* at, const std::string& what) const {
    throw DataError(file_, line_number_, column(at), what);
  }

  // The text at p up to the next blank, quoted and shortened, or "end of line".
  std::string describe(const char* p) const {
    if (p >= end_) return "end of line";
    if (is_blank(*p)) return *p == ' ' ? "a space" : "a tab";
    const char* q = p;
    while (q < end_ && !is_blank(*q) && q - p < 24) ++q;
    std::string text(p, q);
    if (q < end_ && !is_blank(*q)) text += "...";
    return "'" + text + "'";
  }

  const char* skip_blanks(const char* p) const {
    while (p < end_ && is_blank(*p)) ++p;
    return p;
  }

  // An unsigned decimal id at p, at most kMaxId. `what` names it ("feature id"). Hand-rolled and
  // inline: ids are short, and this is the hottest loop of the readers.
  const char* parse_id(const char* p, std::uint64_t& out, const char* what) const {
    if (p >= end_ || !is_digit(*p)) fail_not_an_id(p, what);
    const char* q = p;
    std::uint64_t value = 0;
    while (q < end_ && is_digit(*q) && q - p < 11)
      value = value * 10 + static_cast<unsigned>(*q++ - '0');
    if (value > kMaxId || (q < end_ && is_digit(*q))) fail_too_large(p, what);
    out = value;
    return q;
  }

  // A finite float at p (an optional '+' is accepted).
  const char* parse_value(const char* p, float& out, const char* what) const {
    // Fast path for plain decimals ("1", "0.0845") of at most 7 significant digits: m and 10^k
    // are then exact floats, so m / 10^k is correctly rounded, the same float from_chars gives.
    static constexpr float kPow10[] = {1e0f, 1e1f, 1e2f, 1e3f, 1e4f, 1e5f, 1e6f, 1e7f};
    const char* q = p;
    std::uint32_t m = 0;
    int digits = 0;
    int fraction = 0;
    for (; q < end_ && is_digit(*q) && digits < 8; ++q, ++digits)
      m = m * 10 + static_cast<unsigned>(*q - '0');
    if (q < end_ && *q == '.') {
      for (++q; q < end_ && is_digit(*q) && digits < 8; ++q, ++digits, ++fraction)
        m = m * 10 + static_cast<unsigned>(*q - '0');
    }
    if (digits > 0 && digits <= 7 && (q == end_ || is_blank(*q))) {
      out = static_cast<float>(m) / kPow10[fraction];
      return q;
    }
    return parse_value_slow(p, out, what);
  }

  [[gnu::noinline, gnu::cold, noreturn]] void fail_not_an_id(const char* p,
                                                             const char* what) const {
    if (p < end_ && *p == '-')
      fail(p, std::string("a non-negative ") + what + ", got " + describe(p));
    fail(p, std::string("a ") + what + " (a non-negative integer), got " + describe(p));
  }

  [[gnu::noinline, gnu::cold, noreturn]] void fail_too_large(const char* p,
                                                             const char* what) const {
    const char* q = p;
    while (q < end_ && is_digit(*q)) ++q;
    fail(p, std::string(what) + " " + std::string(p, q) + " too large (ids must be below " +
                std::to_string(kMaxId + 1) + ")");
  }

  // Anything but a short plain decimal: signs, exponents, long mantissas, and errors.
  [[gnu::noinline]] const char* parse_value_slow(const char* p, float& out,
                                                 const char* what) const {
    const char* start = p;
    if (p < end_ && *p == '+') {
      ++p;
      if (p < end_ && *p == '-')
        fail(start, std::string("a ") + what + " (a number), got " + describe(start));
    }
    auto [next, ec] = std::from_chars(p, end_, out);
    if (ec == std::errc::invalid_argument)
      fail(start, std::string("a ") + what + " (a number), got " + describe(start));
    if (ec == std::errc::result_out_of_range)
      fail(start, std::string("a ") + what + " within float range, got " + describe(start));
    if (!std::isfinite(out))
      fail(start, std::string("a finite ") + what + ", got " + describe(start));
    return next;
  }

  // After a token: a blank or the end of the line.
  void expect_separator(const char* p, const char* after) const {
    if (p < end_ && !is_blank(*p)) fail_separator(p, after);
  }

  [[gnu::noinline, gnu::cold, noreturn]] void fail_separator(const char* p,
                                                             const char* after) const {
    fail(p, std::string("a space or the end of the line after ") + after + ", got " + describe(p));
  }

 private:
  const std::string& file_;
  std::uint64_t line_number_;
  const char* begin_;
  const char* end_;
};

// Integers of a header line ("4880 1836 159"): true and the numbers if the line holds only
// blank-separated unsigned integers (at most `max_count` of them), else false.
inline bool header_numbers(std::string_view line, std::uint64_t* numbers, int max_count,
                           int& count) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  count = 0;
  const char* p = line.data();
  const char* end = p + line.size();
  for (;;) {
    while (p < end && is_blank(*p)) ++p;
    if (p == end) break;
    if (!is_digit(*p) || count == max_count) return false;
    auto [next, ec] = std::from_chars(p, end, numbers[count]);
    if (ec != std::errc()) return false;
    if (next < end && !is_blank(*next)) return false;
    ++count;
    p = next;
  }
  return count > 0;
}

}  // namespace slide::xc::detail
