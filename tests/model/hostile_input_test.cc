// The model reader on hostile streams (issue 8): something that is not a model, arriving through a
// pipe that never ends, is refused at its first bytes instead of being read whole into memory.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <string>

#include "slide/core/error.h"
#include "slide/model/model_file.h"

namespace slide::model {
namespace {

TEST(HostileModelInput, GarbageOnAnOpenPipeIsRefusedAtOnce) {
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  const std::string garbage = "1 1836 159\n0 1:1\n";
  ASSERT_EQ(::write(fds[1], garbage.data(), garbage.size()), ssize_t(garbage.size()));
  // The write end stays open: a reader that waits for the end of the stream would block forever
  // (ctest's timeout would then fail this test).
  const std::string path = "/dev/fd/" + std::to_string(fds[0]);
  try {
    ModelReader reader(path);
    ADD_FAILURE() << "a data file was read as a model";
  } catch (const FormatError& e) {
    EXPECT_NE(std::string(e.what()).find("not a slide model file (wrong magic bytes)"),
              std::string::npos)
        << e.what();
  }
  ::close(fds[0]);
  ::close(fds[1]);
}

TEST(HostileModelInput, ShortAndEmptyPipesAreTruncatedFiles) {
  for (const std::string& content : {std::string(), std::string("\x89SL")}) {
    int fds[2];
    ASSERT_EQ(::pipe(fds), 0);
    if (!content.empty()) {
      ASSERT_EQ(::write(fds[1], content.data(), content.size()), ssize_t(content.size()));
    }
    ::close(fds[1]);
    EXPECT_THROW(ModelReader("/dev/fd/" + std::to_string(fds[0])), FormatError);
    ::close(fds[0]);
  }
}

}  // namespace
}  // namespace slide::model
