#include "common/progress_meter.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <thread>

namespace slide::cli {
namespace {

std::string read_all(std::FILE* file) {
  std::rewind(file);
  std::string text;
  char buffer[256];
  std::size_t n;
  while ((n = std::fread(buffer, 1, sizeof buffer, file)) > 0) text.append(buffer, n);
  return text;
}

TEST(ProgressMeter, FormatsDurations) {
  EXPECT_EQ(ProgressMeter::format_duration(0), "0s");
  EXPECT_EQ(ProgressMeter::format_duration(59.4), "59s");
  EXPECT_EQ(ProgressMeter::format_duration(61), "1m 1s");
  EXPECT_EQ(ProgressMeter::format_duration(3723), "1h 2m 3s");
  EXPECT_EQ(ProgressMeter::format_duration(-1), "?");
}

TEST(ProgressMeter, FormatsRates) {
  EXPECT_EQ(ProgressMeter::format_rate(950), "950");
  EXPECT_EQ(ProgressMeter::format_rate(812345), "812.3k");
  EXPECT_EQ(ProgressMeter::format_rate(1250000), "1.25M");
}

TEST(ProgressMeter, WritesFullLinesWhenNotATerminal) {
  std::FILE* file = std::tmpfile();
  ASSERT_NE(file, nullptr);
  {
    ProgressMeter meter(file, "words", false, std::chrono::seconds(0));
    EXPECT_FALSE(meter.is_terminal());
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    meter.update(50, 100, {{"lr", "0.0125"}});
    meter.finish(100);
  }
  const std::string text = read_all(file);
  std::fclose(file);
  EXPECT_EQ(text.find('\r'), std::string::npos) << text;
  EXPECT_NE(text.find("Progress:  50.0%  words/s: "), std::string::npos) << text;
  EXPECT_NE(text.find("  lr: 0.0125  ETA: "), std::string::npos) << text;
  EXPECT_NE(text.find("Progress: 100.0%"), std::string::npos) << text;
  EXPECT_NE(text.find("100 words in "), std::string::npos) << text;
}

TEST(ProgressMeter, QuietPrintsNothing) {
  std::FILE* file = std::tmpfile();
  ASSERT_NE(file, nullptr);
  {
    ProgressMeter meter(file, "examples", true, std::chrono::seconds(0));
    meter.update(1, 2);
    meter.finish(2);
  }
  EXPECT_EQ(read_all(file), "");
  std::fclose(file);
}

}  // namespace
}  // namespace slide::cli
