#include "common/progress_meter.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>

namespace slide::cli {

ProgressMeter::ProgressMeter(std::FILE* stream, std::string unit, bool quiet,
                             std::chrono::seconds log_interval)
    : stream_(stream),
      unit_(std::move(unit)),
      quiet_(quiet),
      terminal_(isatty(fileno(stream)) != 0),
      log_interval_(log_interval),
      start_(Clock::now()),
      last_print_(start_) {}

std::string ProgressMeter::format_duration(double seconds) {
  if (!std::isfinite(seconds) || seconds < 0) return "?";
  const long total = std::lround(seconds);
  const long h = total / 3600, m = total / 60 % 60, s = total % 60;
  char buffer[48];
  if (h > 0)
    std::snprintf(buffer, sizeof buffer, "%ldh %ldm %lds", h, m, s);
  else if (m > 0)
    std::snprintf(buffer, sizeof buffer, "%ldm %lds", m, s);
  else
    std::snprintf(buffer, sizeof buffer, "%lds", s);
  return buffer;
}

std::string ProgressMeter::format_rate(double per_second) {
  char buffer[32];
  if (per_second >= 1e6)
    std::snprintf(buffer, sizeof buffer, "%.2fM", per_second / 1e6);
  else if (per_second >= 1e4)
    std::snprintf(buffer, sizeof buffer, "%.1fk", per_second / 1e3);
  else
    std::snprintf(buffer, sizeof buffer, "%.0f", per_second);
  return buffer;
}

std::string ProgressMeter::line(double done, double total, const Fields& fields,
                                double elapsed) const {
  const double rate = elapsed > 0 ? done / elapsed : 0;
  std::string text;
  char buffer[64];
  if (total > 0) {
    std::snprintf(buffer, sizeof buffer, "Progress: %5.1f%%  ",
                  100.0 * std::min(done / total, 1.0));
    text += buffer;
  }
  text += unit_ + "/s: " + format_rate(rate);
  for (const auto& [name, value] : fields) text += "  " + name + ": " + value;
  if (total > 0) {
    text += "  ETA: " + (rate > 0 ? format_duration((total - done) / rate) : std::string("?"));
  }
  return text;
}

void ProgressMeter::update(double done, double total, const Fields& fields) {
  if (quiet_) return;
  const auto now = Clock::now();
  const auto since_last = now - last_print_;
  if (terminal_ ? since_last < std::chrono::milliseconds(100) : since_last < log_interval_) return;
  last_print_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  std::string text = line(done, total, fields, elapsed);
  if (terminal_) {
    // Pad over the remains of a longer previous line.
    const std::size_t width = text.size();
    if (width < last_width_) text.append(last_width_ - width, ' ');
    last_width_ = width;
    std::fprintf(stream_, "\r%s", text.c_str());
  } else {
    std::fprintf(stream_, "%s\n", text.c_str());
  }
  std::fflush(stream_);
  printed_ = true;
}

void ProgressMeter::finish(double done, const Fields& fields) {
  if (quiet_) return;
  const double elapsed = std::chrono::duration<double>(Clock::now() - start_).count();
  std::string text = line(done, done, fields, elapsed);
  if (terminal_) {
    if (text.size() < last_width_) text.append(last_width_ - text.size(), ' ');
    std::fprintf(stream_, "\r%s\n", text.c_str());
  } else {
    std::fprintf(stream_, "%s\n", text.c_str());
  }
  char summary[160];
  std::snprintf(summary, sizeof summary, "%.0f %s in %.1f s (%s %s/s)\n", done, unit_.c_str(),
                elapsed, format_rate(elapsed > 0 ? done / elapsed : 0).c_str(), unit_.c_str());
  std::fputs(summary, stream_);
  std::fflush(stream_);
}

}  // namespace slide::cli
