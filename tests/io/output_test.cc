#include "slide/io/output.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <string>

#include "io/io_test_util.h"
#include "slide/core/error.h"

namespace slide::io {
namespace {

using testing::read_file;
using testing::TempDir;

std::size_t count_entries(const std::filesystem::path& directory) {
  std::size_t n = 0;
  for ([[maybe_unused]] const auto& entry : std::filesystem::directory_iterator(directory)) ++n;
  return n;
}

mode_t mode_of(const std::string& path) {
  struct stat info {};
  EXPECT_EQ(::stat(path.c_str(), &info), 0);
  return info.st_mode & 07777;
}

// Sets the umask for one test and restores it.
class ScopedUmask {
 public:
  explicit ScopedUmask(mode_t mask) : saved_(::umask(mask)) {}
  ~ScopedUmask() { ::umask(saved_); }

 private:
  mode_t saved_;
};

TEST(Output, CommitMovesTheFileIntoPlace) {
  TempDir dir;
  ScopedUmask umask(027);
  std::string path = dir.file("vectors.txt");
  std::string big = testing::make_text(3'000'000);  // larger than the write buffer
  auto out = open_output(path);
  EXPECT_EQ(out->name(), path);
  EXPECT_FALSE(out->is_terminal());
  out->write("header\n");
  out->put('x');
  out->write(big);
  out->write(std::string_view("tail"));
  // Nothing is at the path before commit; only the temporary is in the directory.
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_EQ(count_entries(dir.path()), 1u);
  out->commit();
  EXPECT_EQ(read_file(path), "header\nx" + big + "tail");
  EXPECT_EQ(count_entries(dir.path()), 1u);
  EXPECT_EQ(mode_of(path), 0640u);  // 0666 minus the umask, as open(O_CREAT) would give
  EXPECT_THROW(out->write("more"), UsageError);
  out.reset();
  EXPECT_TRUE(std::filesystem::exists(path));
}

TEST(Output, WithoutCommitNothingIsWritten) {
  TempDir dir;
  std::string path = dir.file("model.bin");
  {
    auto out = open_output(path);
    out->write(testing::make_text(1'000'000));
    out->flush();
  }
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_EQ(count_entries(dir.path()), 0u);
}

TEST(Output, FailedRunLeavesAnExistingFileIntact) {
  TempDir dir;
  std::string path = dir.write("model.bin", "the old model");
  ASSERT_EQ(::chmod(path.c_str(), 0604), 0);
  try {
    auto out = open_output(path);
    out->write("half of a new mod");
    throw std::runtime_error("training failed");
  } catch (const std::runtime_error&) {
  }
  EXPECT_EQ(read_file(path), "the old model");
  EXPECT_EQ(count_entries(dir.path()), 1u);

  // A committed replacement keeps the replaced file's mode.
  auto out = open_output(path);
  out->write("the new model");
  out->commit();
  EXPECT_EQ(read_file(path), "the new model");
  EXPECT_EQ(mode_of(path), 0604u);
}

TEST(Output, PatchesBytesAlreadyWritten) {
  TempDir dir;
  std::string path = dir.file("model.bin");
  auto out = open_output(path);
  out->write("size=????;");
  EXPECT_EQ(out->position(), 10u);
  std::string body(400'000, 'b');  // past the buffer, so the header is already on disk
  out->write(body);
  EXPECT_EQ(out->position(), 10u + body.size());
  out->write_at(5, "0400", 4);
  EXPECT_THROW(out->write_at(out->position() - 2, "xyz", 3), UsageError);
  out->write("end");
  out->commit();
  EXPECT_EQ(read_file(path), "size=0400;" + body + "end");
}

TEST(Output, DiscardRemovesTheTemporaryAtOnce) {
  TempDir dir;
  std::string path = dir.write("keep.txt", "old");
  auto out = open_output(path);
  out->write("new");
  EXPECT_EQ(count_entries(dir.path()), 2u);
  out->discard();
  EXPECT_EQ(count_entries(dir.path()), 1u);
  EXPECT_THROW(out->write("more"), UsageError);
  EXPECT_THROW(out->put('x'), UsageError);
  out.reset();
  EXPECT_EQ(read_file(path), "old");
}

TEST(Output, StreamsCannotBePatched) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  {
    OutputStream out(fds[1], "<pipe>");
    out.write("abc");
    EXPECT_THROW(out.write_at(0, "x", 1), UsageError);
  }
  ::close(fds[0]);
  ::close(fds[1]);
}

TEST(Output, RelativePathInTheCurrentDirectory) {
  TempDir dir;
  std::filesystem::path saved = std::filesystem::current_path();
  std::filesystem::current_path(dir.path());
  {
    auto out = open_output("relative.txt");
    out->write("ok");
    out->commit();
  }
  std::filesystem::current_path(saved);
  EXPECT_EQ(read_file(dir.file("relative.txt")), "ok");
}

TEST(Output, MissingDirectoryIsOutputCreateError) {
  TempDir dir;
  try {
    open_output(dir.file("no/such/dir/out.txt"));
    FAIL() << "created";
  } catch (const OutputCreateError& error) {
    EXPECT_NE(std::string(error.what()).find(dir.file("no/such/dir/out.txt")), std::string::npos);
  }
}

TEST(Output, DirectoryPathIsOutputCreateError) {
  TempDir dir;
  EXPECT_THROW(open_output(dir.path().string()), OutputCreateError);
  EXPECT_THROW(open_output(dir.path().string() + "/"), OutputCreateError);
  EXPECT_THROW(open_output(""), OutputCreateError);
}

TEST(Output, UnwritableDirectoryIsOutputCreateError) {
  // /sys refuses new files even to root.
  EXPECT_THROW(open_output("/sys/slide-test-output"), OutputCreateError);
  if (::geteuid() == 0) GTEST_SKIP() << "root writes into read-only directories";
  TempDir dir;
  ASSERT_EQ(::chmod(dir.path().c_str(), 0555), 0);
  EXPECT_THROW(open_output(dir.file("out.txt")), OutputCreateError);
}

TEST(Output, WriteFailureIsIoError) {
  int fd = ::open("/dev/full", O_WRONLY | O_CLOEXEC);
  if (fd < 0) GTEST_SKIP() << "no /dev/full";
  {
    // Small writes are buffered; the error surfaces at the latest at flush or commit.
    OutputStream out(fd, "/dev/full");
    out.write("x");
    EXPECT_THROW(out.commit(), IoError);
  }
  {
    OutputStream out(fd, "/dev/full");
    std::string big(1 << 20, 'x');  // bigger than the buffer: fails in write()
    try {
      out.write(big);
      FAIL() << "no error";
    } catch (const IoError& error) {
      EXPECT_NE(std::string(error.what()).find("/dev/full"), std::string::npos);
      EXPECT_NE(std::string(error.what()).find("No space left"), std::string::npos);
    }
  }
  ::close(fd);
}

TEST(Output, DashIsStdout) {
  int full = ::open("/dev/full", O_WRONLY | O_CLOEXEC);
  if (full < 0) GTEST_SKIP() << "no /dev/full";
  ::fflush(stdout);
  int saved = ::dup(STDOUT_FILENO);
  ASSERT_GE(saved, 0);
  ASSERT_EQ(::dup2(full, STDOUT_FILENO), STDOUT_FILENO);
  std::string name;
  std::string message;
  bool terminal = true;
  {
    auto out = open_output("-");
    name = out->name();
    terminal = out->is_terminal();
    out->write("prediction\n");
    try {
      out->commit();
    } catch (const IoError& error) {
      message = error.what();
    }
  }
  ::dup2(saved, STDOUT_FILENO);
  ::close(saved);
  ::close(full);
  EXPECT_EQ(name, "<stdout>");
  EXPECT_FALSE(terminal);
  EXPECT_EQ(message.rfind("<stdout>: write error", 0), 0u) << message;
}

TEST(Output, StdoutWritesThrough) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  OutputStream out(fds[1], "<pipe>");
  out.write("line 1\n");
  out.flush();
  char buffer[16];
  ASSERT_EQ(::read(fds[0], buffer, sizeof buffer), 7);
  EXPECT_EQ(std::string(buffer, 7), "line 1\n");
  out.write("end\n");
  out.commit();
  ASSERT_EQ(::read(fds[0], buffer, sizeof buffer), 4);
  ::close(fds[0]);
  ::close(fds[1]);
}

TEST(Output, DetectsTerminals) {
  int master = ::posix_openpt(O_RDWR | O_NOCTTY);
  if (master < 0 || ::grantpt(master) != 0 || ::unlockpt(master) != 0) {
    GTEST_SKIP() << "no pseudo-terminals";
  }
  int terminal = ::open(::ptsname(master), O_WRONLY | O_NOCTTY | O_CLOEXEC);
  ASSERT_GE(terminal, 0);
  EXPECT_TRUE(OutputStream(terminal, "<tty>").is_terminal());
  ::close(terminal);
  ::close(master);
}

}  // namespace
}  // namespace slide::io
