// Outputs that are not regular files (issue 8): a device or a FIFO named as the output is written
// in place, like stdout; the temporary-and-rename route would replace the node itself (as root,
// /dev/null) with a regular file.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <string>

#include "slide/io/output.h"

namespace slide::io {
namespace {

TEST(HostileOutput, DevNullIsWrittenInPlace) {
  auto out = open_output("/dev/null");
  out->write("discarded\n");
  out->commit();
  struct stat info {};
  ASSERT_EQ(::stat("/dev/null", &info), 0);
  EXPECT_TRUE(S_ISCHR(info.st_mode)) << "/dev/null is no longer a character device";
}

TEST(HostileOutput, FifoIsWrittenInPlace) {
  std::string dir = ::testing::TempDir() + "slide_fifo_XXXXXX";
  ASSERT_NE(::mkdtemp(dir.data()), nullptr);
  const std::string fifo = dir + "/out";
  ASSERT_EQ(::mkfifo(fifo.c_str(), 0600), 0);
  // A reader first, so that opening the FIFO for writing does not wait.
  const int reader = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
  ASSERT_GE(reader, 0);
  {
    auto out = open_output(fifo);
    out->write("through the fifo\n");
    out->commit();
  }
  char buffer[64] = {};
  const ssize_t got = ::read(reader, buffer, sizeof buffer - 1);
  EXPECT_EQ(std::string(buffer, got > 0 ? std::size_t(got) : 0), "through the fifo\n");
  ::close(reader);
  struct stat info {};
  ASSERT_EQ(::stat(fifo.c_str(), &info), 0);
  EXPECT_TRUE(S_ISFIFO(info.st_mode));
  ::unlink(fifo.c_str());
  ::rmdir(dir.c_str());
}

}  // namespace
}  // namespace slide::io
