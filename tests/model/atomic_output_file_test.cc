#include "slide/model/atomic_output_file.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "model/temp_dir.h"
#include "slide/core/error.h"

namespace slide::model {
namespace {

using testing::read_bytes;
using testing::TempDir;
using testing::write_bytes;

TEST(AtomicOutputFile, AppearsOnlyOnCommit) {
  TempDir dir;
  const std::string path = dir.file("out.bin");
  {
    AtomicOutputFile file(path);
    file.write("hello ", 6);
    file.write("world", 5);
    file.write_at(0, "J", 1);
    EXPECT_EQ(file.position(), 11u);
    EXPECT_FALSE(std::filesystem::exists(path));
    EXPECT_TRUE(std::filesystem::exists(file.temp_path()));
    file.commit();
  }
  EXPECT_EQ(read_bytes(path), "Jello world");
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"out.bin"});
}

TEST(AtomicOutputFile, UncommittedLeavesNothingAndKeepsTheOldFile) {
  TempDir dir;
  const std::string path = dir.file("out.bin");
  { AtomicOutputFile file(path); file.write("partial", 7); }
  EXPECT_TRUE(dir.entries().empty());

  write_bytes(path, "old good content");
  try {
    AtomicOutputFile file(path);
    file.write("new", 3);
    throw std::runtime_error("writer failed midway");
  } catch (const std::runtime_error&) {
  }
  EXPECT_EQ(read_bytes(path), "old good content");
  EXPECT_EQ(dir.entries(), std::vector<std::string>{"out.bin"});
}

TEST(AtomicOutputFile, ReplacesAndKeepsTheModeOfTheOldFile) {
  TempDir dir;
  const std::string path = dir.file("out.bin");
  write_bytes(path, "old");
  ASSERT_EQ(::chmod(path.c_str(), 0640), 0);
  AtomicOutputFile file(path);
  file.write("new", 3);
  file.commit();
  EXPECT_EQ(read_bytes(path), "new");
  struct stat info {};
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 07777, 0640u);
}

TEST(AtomicOutputFile, NewFileGetsTheUsualModeNotMkstemps0600) {
  TempDir dir;
  const mode_t mask = ::umask(0);
  ::umask(mask);
  const std::string path = dir.file("out.bin");
  AtomicOutputFile file(path);
  file.commit();
  struct stat info {};
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 07777, 0666u & ~mask);
}

TEST(AtomicOutputFile, MissingDirectoryIsOutputCreateError) {
  TempDir dir;
  EXPECT_THROW(AtomicOutputFile(dir.file("no/such/dir/out.bin")), OutputCreateError);
  EXPECT_THROW(AtomicOutputFile(""), OutputCreateError);
}

TEST(AtomicOutputFile, UseAfterCommitIsAnError) {
  TempDir dir;
  AtomicOutputFile file(dir.file("x"));
  file.commit();
  EXPECT_THROW(file.write("a", 1), IoError);
  EXPECT_THROW(file.commit(), IoError);
}

}  // namespace
}  // namespace slide::model
