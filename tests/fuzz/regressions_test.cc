// Replays the fuzz inputs that must keep passing -- every file of tests/fuzz/regressions/<target>/
// (inputs that once crashed a reader or broke an invariant, kept after the fix) and the seed
// corpora of tests/fuzz/seeds/<target>/ -- through the same harness code the libFuzzer targets
// run (tests/fuzz/*_fuzz.cc, compiled here with SLIDE_FUZZ_REPLAY). So the normal suite, and its
// ASan+UBSan pass, cover every past finding without clang or libFuzzer. A harness aborts on a
// broken invariant and lets any exception other than slide::Error escape, which fails the test.

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace slide::fuzz {
int xc_reader_one_input(const std::uint8_t* data, std::size_t size);
int w2v_text_one_input(const std::uint8_t* data, std::size_t size);
int vectors_one_input(const std::uint8_t* data, std::size_t size);
int model_one_input(const std::uint8_t* data, std::size_t size);
}  // namespace slide::fuzz

namespace {

namespace fs = std::filesystem;
using Harness = int (*)(const std::uint8_t*, std::size_t);

struct Target {
  const char* name;
  Harness run;
};

constexpr Target kTargets[] = {
    {"xc_reader", slide::fuzz::xc_reader_one_input},
    {"w2v_text", slide::fuzz::w2v_text_one_input},
    {"vectors", slide::fuzz::vectors_one_input},
    {"model", slide::fuzz::model_one_input},
};

// Replays every file under tests/fuzz/<kind>/<target>; returns how many.
std::size_t replay(const Target& target, const char* kind) {
  const fs::path dir = fs::path(SLIDE_SOURCE_DIR) / "tests" / "fuzz" / kind / target.name;
  std::size_t count = 0;
  if (!fs::is_directory(dir)) return 0;
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().filename().string()[0] != '.') {
      files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  for (const fs::path& file : files) {
    SCOPED_TRACE(file.string());
    std::ifstream in(file, std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    EXPECT_EQ(target.run(reinterpret_cast<const std::uint8_t*>(bytes.data()), bytes.size()), 0);
    ++count;
  }
  return count;
}

TEST(FuzzRegressions, EveryRecordedFindingStillPasses) {
  for (const Target& t : kTargets) replay(t, "regressions");
}

TEST(FuzzRegressions, EverySeedPasses) {
  for (const Target& t : kTargets) {
    SCOPED_TRACE(t.name);
    // The seeds are the starting corpora of scripts/fuzz: each target has some.
    EXPECT_GT(replay(t, "seeds"), 0u);
  }
}

TEST(FuzzRegressions, EmptyAndTinyInputsAreRefusedCleanly) {
  const std::uint8_t bytes[] = {0, 1, 2, 3, 4, 5, 6, 7};
  for (const Target& t : kTargets) {
    for (std::size_t n = 0; n <= sizeof bytes; ++n) EXPECT_EQ(t.run(bytes, n), 0);
  }
}

}  // namespace
