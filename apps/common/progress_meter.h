#pragma once

// The progress line of long runs, on stderr: percentage, rate, caller fields, ETA. On a terminal it
// is redrawn in place (at most every 100 ms); otherwise a full line is printed every interval so
// that log files stay readable. The library reports progress through callbacks; only the apps
// print it, through this class.

#include <chrono>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

namespace slide::cli {

class ProgressMeter {
 public:
  using Clock = std::chrono::steady_clock;
  using Fields = std::vector<std::pair<std::string, std::string>>;

  // unit: what is counted ("words", "examples"); quiet: print nothing.
  ProgressMeter(std::FILE* stream, std::string unit, bool quiet,
                std::chrono::seconds log_interval = std::chrono::seconds(10));
  // Whether the stream is a terminal (redraw in place).
  bool is_terminal() const { return terminal_; }

  // done and total in units (total 0 = unknown); fields are printed after the rate.
  void update(double done, double total, const Fields& fields = {});
  // The last line at its final values, a newline, and the summary "N units in T s (R units/s)".
  void finish(double done, const Fields& fields = {});

  // "1h 2m 3s", "4m 5s", "6s".
  static std::string format_duration(double seconds);
  // "812.3k", "1.25M", "950".
  static std::string format_rate(double per_second);

 private:
  std::string line(double done, double total, const Fields& fields, double elapsed) const;

  std::FILE* stream_;
  std::string unit_;
  bool quiet_;
  bool terminal_;
  std::chrono::seconds log_interval_;
  Clock::time_point start_;
  Clock::time_point last_print_;
  std::size_t last_width_ = 0;
  bool printed_ = false;
};

}  // namespace slide::cli
