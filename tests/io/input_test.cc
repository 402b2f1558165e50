#include "slide/io/input.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "io/io_test_util.h"
#include "slide/core/error.h"
#include "slide/io/line_reader.h"

namespace slide::io {
namespace {

using testing::all_formats;
using testing::compress;
using testing::compressed_formats;
using testing::read_all;
using testing::TempDir;

std::string format_name(Compression c) {
  return compression_name(c);
}

std::vector<std::string> read_lines(InputStream& in) {
  std::vector<std::string> lines;
  LineReader reader(input_source(in));
  std::string_view line;
  while (reader.next(line)) {
    EXPECT_EQ(reader.line_number(), lines.size() + 1);
    lines.emplace_back(line);
  }
  return lines;
}

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    lines.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return lines;
}

// Reads everything and expects a DataError naming the file; the bytes handed out before it must
// be a prefix of the original (no garbage is ever returned).
void expect_data_error(const std::string& path, const std::string& original,
                       const std::string& context) {
  SCOPED_TRACE(context);
  auto in = open_input(path);
  std::string got;
  std::vector<char> buffer(4096);
  try {
    while (std::size_t n = in->read(buffer.data(), buffer.size())) got.append(buffer.data(), n);
    ADD_FAILURE() << "no DataError; read " << got.size() << " of " << original.size() << " bytes";
  } catch (const DataError& error) {
    EXPECT_EQ(error.file(), path);
    EXPECT_EQ(error.line(), 0u);
    EXPECT_NE(std::string(error.what()).find(path + ": "), std::string::npos) << error.what();
    EXPECT_EQ(original.compare(0, got.size(), got), 0) << "returned bytes that are not the data";
    // The stream stays failed.
    EXPECT_THROW(in->read(buffer.data(), buffer.size()), DataError);
  }
}

TEST(Input, RoundTripsEveryFormat) {
  TempDir dir;
  std::string text = testing::make_text(300'000);
  for (Compression c : all_formats()) {
    SCOPED_TRACE(format_name(c));
    std::string path = dir.write("data." + format_name(c), compress(c, text));
    auto in = open_input(path);
    EXPECT_EQ(in->compression(), c);
    EXPECT_EQ(in->name(), path);
    EXPECT_EQ(read_all(*in), text);
    EXPECT_EQ(in->bytes_read(), text.size());
    EXPECT_EQ(in->read(nullptr, 0), 0u);
    auto lines_in = open_input(path);
    EXPECT_EQ(read_lines(*lines_in), split_lines(text));
  }
}

TEST(Input, DetectsFormatFromBytesNotName) {
  TempDir dir;
  std::string text = testing::make_text(1000);
  std::string path = dir.write("misnamed.txt", compress(Compression::kXz, text));
  auto in = open_input(path);
  EXPECT_EQ(in->compression(), Compression::kXz);
  EXPECT_EQ(read_all(*in), text);
  path = dir.write("plain.gz", text);
  EXPECT_EQ(read_all(*open_input(path)), text);
}

TEST(Input, ReadsConcatenatedStreams) {
  TempDir dir;
  std::string a = testing::make_text(100'000, 1);
  std::string b = testing::make_text(70'000, 2);
  for (Compression c : compressed_formats()) {
    SCOPED_TRACE(format_name(c));
    // Includes an empty member in the middle (pigz and zstd can write those).
    std::string bytes = compress(c, a) + compress(c, "") + compress(c, b);
    std::string path = dir.write("concat." + format_name(c), bytes);
    auto in = open_input(path);
    EXPECT_EQ(read_all(*in, 1000), a + b);
  }
}

TEST(Input, SkipsZstdSkippableFrames) {
  TempDir dir;
  std::string a = testing::make_text(50'000, 3);
  std::string b = testing::make_text(20'000, 4);
  std::string bytes = testing::zstd_skippable_frame("meta") + testing::zstd_compress(a) +
                      testing::zstd_skippable_frame(std::string(100'000, 'x'), 0xF) +
                      testing::zstd_compress(b) + testing::zstd_skippable_frame("");
  std::string path = dir.write("skippable.zst", bytes);
  auto in = open_input(path);
  EXPECT_EQ(in->compression(), Compression::kZstd);
  EXPECT_EQ(read_all(*in), a + b);

  path = dir.write("only-skippable.zst", testing::zstd_skippable_frame("nothing to see"));
  in = open_input(path);
  EXPECT_EQ(in->compression(), Compression::kZstd);
  EXPECT_EQ(read_all(*in), "");
}

TEST(Input, AcceptsZstdWindowsBeyondTheLibraryDefaultLimit) {
  // `zstd --long=28..31` writes frames whose window exceeds libzstd's default decoding limit
  // (2^27); a streamed frame of unknown size declares the full window even for little data.
  std::string text = testing::make_text(100'000, 5);
  ZSTD_CCtx* context = ZSTD_createCCtx();
  ZSTD_CCtx_setParameter(context, ZSTD_c_windowLog, 28);
  ZSTD_CCtx_setParameter(context, ZSTD_c_checksumFlag, 1);
  std::string bytes(ZSTD_compressBound(text.size()), '\0');
  ZSTD_outBuffer out{bytes.data(), bytes.size(), 0};
  // Fed in two calls, so that the compressor does not know the size when it writes the header.
  ZSTD_inBuffer in{text.data(), text.size() / 2, 0};
  ASSERT_FALSE(ZSTD_isError(ZSTD_compressStream2(context, &out, &in, ZSTD_e_continue)));
  ASSERT_EQ(in.pos, in.size);
  in.size = text.size();
  ASSERT_EQ(ZSTD_compressStream2(context, &out, &in, ZSTD_e_end), 0u);
  ZSTD_freeCCtx(context);
  bytes.resize(out.pos);
  ASSERT_EQ(ZSTD_getFrameContentSize(bytes.data(), bytes.size()), ZSTD_CONTENTSIZE_UNKNOWN);
  {
    // The premise: libzstd with its default limit refuses this frame.
    ZSTD_DCtx* plain = ZSTD_createDCtx();
    std::string sink(1 << 16, '\0');
    ZSTD_outBuffer sink_buffer{sink.data(), sink.size(), 0};
    ZSTD_inBuffer source{bytes.data(), bytes.size(), 0};
    EXPECT_TRUE(ZSTD_isError(ZSTD_decompressStream(plain, &sink_buffer, &source)));
    ZSTD_freeDCtx(plain);
  }
  TempDir dir;
  auto stream = open_input(dir.write("long.zst", bytes));
  EXPECT_TRUE(read_all(*stream) == text);
}

TEST(Input, EmptyFileIsAnEmptyPlainInput) {
  TempDir dir;
  std::string path = dir.write("empty.txt", "");
  auto in = open_input(path);
  EXPECT_EQ(in->compression(), Compression::kNone);
  char c;
  EXPECT_EQ(in->read(&c, 1), 0u);
  LineReader reader(input_source(*in));
  std::string line = "stale";
  EXPECT_FALSE(reader.line(line));
  EXPECT_EQ(line, "");
  EXPECT_EQ(reader.line_number(), 0u);
}

TEST(Input, EmptyCompressedStreamsAreEmptyInputs) {
  TempDir dir;
  for (Compression c : compressed_formats()) {
    SCOPED_TRACE(format_name(c));
    std::string bytes = compress(c, "");
    ASSERT_FALSE(bytes.empty());
    auto in = open_input(dir.write("empty." + format_name(c), bytes));
    EXPECT_EQ(in->compression(), c);
    LineReader reader(input_source(*in));
    std::string line;
    EXPECT_FALSE(reader.line(line));
    char buffer[16];
    EXPECT_EQ(in->read(buffer, sizeof buffer), 0u);
  }
}

TEST(Input, LargeDataAcrossBufferBoundaries) {
  TempDir dir;
  std::string text = testing::make_text(5'000'000, 7);
  for (Compression c : all_formats()) {
    SCOPED_TRACE(format_name(c));
    std::string path = dir.write("large." + format_name(c), compress(c, text));
    // Odd chunk sizes: smaller than, straddling, and larger than the internal buffers.
    for (std::size_t chunk : {std::size_t{4093}, std::size_t{1'000'003}}) {
      auto in = open_input(path);
      std::string got = read_all(*in, chunk);
      ASSERT_EQ(got.size(), text.size());
      EXPECT_TRUE(got == text);
    }
  }
}

TEST(Input, MixesLineAndBulkReadsThroughALineReader) {
  TempDir dir;
  std::string text = "first line\nsecond\n" + testing::make_text(600'000, 9);
  for (Compression c : {Compression::kNone, Compression::kZstd, Compression::kGzip}) {
    SCOPED_TRACE(format_name(c));
    LineReader reader(open_source(dir.write("mixed", compress(c, text))));
    std::string line;
    ASSERT_TRUE(reader.line(line));
    EXPECT_EQ(line, "first line");
    char buffer[4];
    ASSERT_EQ(reader.read(buffer, 4), 4u);
    EXPECT_EQ(std::string(buffer, 4), "seco");
    ASSERT_TRUE(reader.line(line));
    EXPECT_EQ(line, "nd");
    EXPECT_EQ(reader.line_number(), 2u);
    std::string rest(text.size(), '\0');
    rest.resize(reader.read(rest.data(), rest.size()));
    EXPECT_TRUE(rest == text.substr(18));
  }
}

TEST(Input, ReadFullFillsTheBufferUntilTheEnd) {
  std::string text = testing::make_text(300'000, 10);
  TempDir dir;
  for (Compression c : {Compression::kNone, Compression::kZstd, Compression::kXz}) {
    SCOPED_TRACE(format_name(c));
    auto in = open_input(dir.write("full", compress(c, text)));
    std::string got(text.size() + 10, '\0');
    EXPECT_EQ(in->read_full(got.data(), 100'001), 100'001u);
    EXPECT_EQ(in->read_full(got.data() + 100'001, got.size() - 100'001), text.size() - 100'001);
    got.resize(text.size());
    EXPECT_TRUE(got == text);
    EXPECT_EQ(in->read_full(got.data(), 1), 0u);
  }
}

TEST(Input, NumbersLines) {
  TempDir dir;
  std::string long_line(700'000, 'w');  // longer than the internal buffer
  std::string text = "a\r\nb\n\n" + long_line + "\nlast without newline";
  for (Compression c : all_formats()) {
    SCOPED_TRACE(format_name(c));
    auto in = open_input(dir.write("lines", compress(c, text)));
    LineReader reader(input_source(*in));
    std::string_view line;
    EXPECT_EQ(reader.line_number(), 0u);
    ASSERT_TRUE(reader.next(line));
    EXPECT_EQ(line, "a\r");  // '\r' is the parsers' business
    EXPECT_EQ(reader.line_number(), 1u);
    ASSERT_TRUE(reader.next(line));
    EXPECT_EQ(line, "b");
    ASSERT_TRUE(reader.next(line));
    EXPECT_EQ(line, "");
    EXPECT_EQ(reader.line_number(), 3u);
    ASSERT_TRUE(reader.next(line));
    EXPECT_TRUE(line == long_line);
    ASSERT_TRUE(reader.next(line));
    EXPECT_EQ(line, "last without newline");
    EXPECT_EQ(reader.line_number(), 5u);
    EXPECT_FALSE(reader.next(line));
    EXPECT_EQ(reader.line_number(), 5u);
    EXPECT_EQ(in->bytes_read(), text.size());
  }
}

TEST(Input, TruncatedStreamsRaiseDataError) {
  TempDir dir;
  std::string text = testing::make_text(200'000, 11);
  for (Compression c : compressed_formats()) {
    std::string bytes = compress(c, text);
    std::vector<std::size_t> cuts = {2, 3, 4, 5, 8, 20, bytes.size() / 3, bytes.size() / 2};
    for (std::size_t missing = 1; missing <= 10; ++missing) cuts.push_back(bytes.size() - missing);
    for (std::size_t cut : cuts) {
      // "BZ" and "BZh" are text: a bzip2 file cut that short reads as plain (documented).
      if (c == Compression::kBzip2 && cut < 4) continue;
      std::string context = format_name(c) + " cut to " + std::to_string(cut) + " of " +
                            std::to_string(bytes.size()) + " bytes";
      std::string path = dir.write("cut." + format_name(c), bytes.substr(0, cut));
      expect_data_error(path, text, context);
      // The same line by line: the error comes before the end of the lines, never a clean end.
      LineReader reader(open_source(path));
      std::string_view line;
      EXPECT_THROW(
          {
            while (reader.next(line)) {
            }
          },
          DataError)
          << context;
    }
  }
}

TEST(Input, SingleByteIsPlainText) {
  // A file of one byte cannot be told from a one-character text file; it reads as such.
  TempDir dir;
  for (Compression c : compressed_formats()) {
    std::string bytes = compress(c, "some text\n").substr(0, 1);
    auto in = open_input(dir.write("one", bytes));
    EXPECT_EQ(in->compression(), Compression::kNone);
    EXPECT_EQ(read_all(*in), bytes);
  }
}

TEST(Input, ZstdTruncationMessageSaysSo) {
  TempDir dir;
  std::string bytes = testing::zstd_compress(testing::make_text(100'000));
  std::string path = dir.write("corpus.zst", bytes.substr(0, bytes.size() - 3));
  auto in = open_input(path);
  try {
    read_all(*in);
    FAIL() << "no error";
  } catch (const DataError& error) {
    EXPECT_EQ(std::string(error.what()),
              path + ": truncated zstd frame (the file ends inside a compressed frame)");
  }
}

// Reads everything; returns true on DataError (checking what came before it), false when the
// stream reads cleanly, which is then only acceptable if it gave back exactly the original.
bool raises_data_error_or_reads_intact(const std::string& path, const std::string& original,
                                       const std::string& context) {
  SCOPED_TRACE(context);
  auto in = open_input(path);
  std::string got;
  std::vector<char> buffer(4096);
  try {
    while (std::size_t n = in->read(buffer.data(), buffer.size())) got.append(buffer.data(), n);
  } catch (const DataError& error) {
    EXPECT_EQ(error.file(), path);
    EXPECT_EQ(original.compare(0, got.size(), got), 0) << "returned bytes that are not the data";
    return true;
  }
  EXPECT_TRUE(got == original) << "a corrupt stream decoded to other data without an error";
  return false;
}

// Magic bytes: a file whose magic is damaged is no longer that format, and reads as plain bytes.
std::size_t magic_size(Compression c) {
  switch (c) {
    case Compression::kGzip:
      return 3;
    case Compression::kZstd:
      return 4;
    case Compression::kBzip2:
      return 4;
    case Compression::kXz:
      return 6;
    case Compression::kNone:
      break;
  }
  return 0;
}

TEST(Input, FlippedBytesRaiseDataErrorOrChangeNothing) {
  // Past the magic, every flipped byte either raises DataError or falls where the format stores
  // nothing that changes the data (gzip's MTIME/OS fields, and its ISIZE trailer, which Boost
  // 1.74 does not check against the CRC-checked data; bzip2's final padding bits; some zstd
  // header and block-header bits). Checked exhaustively on small streams while writing this; here
  // a sample, and at least 80% of it must be detected.
  TempDir dir;
  std::string text = testing::make_text(20'000, 13);
  for (Compression c : compressed_formats()) {
    std::string bytes = compress(c, text);
    std::size_t begin = magic_size(c);
    std::size_t end = bytes.size();
    // Headers, checksums and trailers in full; 48 positions spread over the body.
    std::vector<std::size_t> positions;
    for (std::size_t i = 0; i < 16; ++i) {
      positions.push_back(begin + i);
      positions.push_back(end - 1 - i);
    }
    for (std::size_t i = 0; i < 48; ++i) positions.push_back(begin + (end - begin) * i / 48);
    std::size_t trials = 0;
    std::size_t detected = 0;
    for (std::size_t position : positions) {
      for (unsigned char mask : {0xFF, 0x01}) {
        std::string flipped = bytes;
        flipped[position] = static_cast<char>(flipped[position] ^ mask);
        std::string path = dir.write("flipped." + format_name(c), flipped);
        ++trials;
        detected += raises_data_error_or_reads_intact(
            path, text,
            format_name(c) + " byte " + std::to_string(position) + " of " +
                std::to_string(bytes.size()) + " ^ " + std::to_string(mask));
      }
    }
    EXPECT_GE(detected * 10, trials * 8) << format_name(c) << ": " << detected << " of " << trials;
  }
}

TEST(Input, GarbageRaisesDataError) {
  TempDir dir;
  std::string text = testing::make_text(30'000, 17);
  std::string noise = testing::make_text(5000, 99);
  for (Compression c : compressed_formats()) {
    std::string bytes = compress(c, text);
    // A valid magic followed by noise.
    std::string header = bytes.substr(0, c == Compression::kXz ? 6 : 4);
    expect_data_error(dir.write("noise", header + noise), "", format_name(c) + " noise");
    // Trailing garbage after a complete stream.
    expect_data_error(dir.write("trailing", bytes + "garbage\n"), text,
                      format_name(c) + " trailing garbage");
    // The stream's second half replaced by noise.
    std::string half = bytes.substr(0, bytes.size() / 2) + noise;
    expect_data_error(dir.write("half", half), text, format_name(c) + " second half noise");
  }
}

// Writes bytes into a pipe from a thread, the first ones one at a time, as a slow producer would.
class PipeWriter {
 public:
  explicit PipeWriter(std::string bytes) : bytes_(std::move(bytes)) {
    int fds[2];
    if (::pipe(fds) != 0) throw std::runtime_error("pipe failed");
    read_fd_ = fds[0];
    int write_fd = fds[1];
    thread_ = std::thread([this, write_fd] {
      std::size_t pos = 0;
      while (pos < bytes_.size()) {
        std::size_t n = pos < 8 ? 1 : std::min<std::size_t>(bytes_.size() - pos, 100'000);
        ssize_t written = ::write(write_fd, bytes_.data() + pos, n);
        if (written <= 0) break;
        pos += static_cast<std::size_t>(written);
        if (pos < 8) std::this_thread::sleep_for(std::chrono::milliseconds(2));
      }
      ::close(write_fd);
    });
  }
  ~PipeWriter() {
    thread_.join();
    if (read_fd_ >= 0) ::close(read_fd_);
  }
  int release_read_fd() { return std::exchange(read_fd_, -1); }

 private:
  std::string bytes_;
  int read_fd_ = -1;
  std::thread thread_;
};

TEST(Input, ReadsPipes) {
  std::string text = testing::make_text(400'000, 21);  // several times a pipe's capacity
  for (Compression c : all_formats()) {
    SCOPED_TRACE(format_name(c));
    PipeWriter writer(compress(c, text));
    InputStream in(writer.release_read_fd(), true, "<pipe>");
    EXPECT_EQ(in.compression(), c);
    EXPECT_EQ(read_lines(in), split_lines(text));
  }
}

TEST(Input, TruncatedPipeRaisesDataError) {
  std::string text = testing::make_text(200'000, 22);
  for (Compression c : compressed_formats()) {
    SCOPED_TRACE(format_name(c));
    std::string bytes = compress(c, text);
    PipeWriter writer(bytes.substr(0, bytes.size() - 5));
    InputStream in(writer.release_read_fd(), true, "<pipe>");
    try {
      read_all(in);
      ADD_FAILURE() << "no error";
    } catch (const DataError& error) {
      EXPECT_EQ(error.file(), "<pipe>");
    }
  }
}

TEST(Input, LineByLineProducerIsNotKeptWaiting) {
  // A producer that sends one short line and waits for it to be consumed (a terminal, or a
  // request/response pipe) must get it through without sending the 6 bytes of the longest magic.
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  ASSERT_EQ(::write(fds[1], "ab\n", 3), 3);
  InputStream in(fds[0], true, "<pipe>");
  LineReader reader(input_source(in));
  std::string line;
  ASSERT_TRUE(reader.line(line));
  EXPECT_EQ(line, "ab");
  ASSERT_EQ(::write(fds[1], "cd\n", 3), 3);
  ASSERT_TRUE(reader.line(line));
  EXPECT_EQ(line, "cd");
  ::close(fds[1]);
  EXPECT_FALSE(reader.line(line));
}

TEST(Input, DashIsStdin) {
  std::string text = testing::make_text(100'000, 23);
  int saved = ::dup(STDIN_FILENO);
  ASSERT_GE(saved, 0);
  {
    PipeWriter writer(testing::zstd_compress(text));
    int fd = writer.release_read_fd();
    ASSERT_EQ(::dup2(fd, STDIN_FILENO), STDIN_FILENO);
    ::close(fd);
    auto in = open_input("-");
    EXPECT_EQ(in->name(), "<stdin>");
    EXPECT_EQ(in->compression(), Compression::kZstd);
    EXPECT_EQ(read_all(*in), text);
    in.reset();
    // The stream does not own stdin: it is still open (and at its end).
    char c;
    EXPECT_EQ(::read(STDIN_FILENO, &c, 1), 0);
  }
  ASSERT_EQ(::dup2(saved, STDIN_FILENO), STDIN_FILENO);
  ::close(saved);
}

TEST(Input, ReadsNamedPipes) {
  TempDir dir;
  std::string path = dir.file("fifo");
  ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
  std::string text = testing::make_text(300'000, 24);
  std::string bytes = compress(Compression::kGzip, text);
  std::thread writer([&] {
    int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return;
    for (std::size_t pos = 0; pos < bytes.size();) {
      ssize_t n = ::write(fd, bytes.data() + pos, bytes.size() - pos);
      if (n <= 0) break;
      pos += static_cast<std::size_t>(n);
    }
    ::close(fd);
  });
  auto in = open_input(path);
  EXPECT_EQ(in->compression(), Compression::kGzip);
  EXPECT_EQ(read_all(*in), text);
  writer.join();
}

// Files written by the real command-line tools (with their defaults: gzip's file name field,
// zstd's and xz's checksums), when the tools are installed.
TEST(Input, ReadsFilesFromTheCommandLineTools) {
  TempDir dir;
  std::string text = testing::make_text(200'000, 25);
  std::string source = dir.write("text", text);
  struct Tool {
    const char* command;
    Compression compression;
  };
  int ran = 0;
  for (Tool tool : {Tool{"gzip", Compression::kGzip}, Tool{"zstd -q", Compression::kZstd},
                    Tool{"bzip2", Compression::kBzip2}, Tool{"xz", Compression::kXz}}) {
    std::string name = tool.command;
    name = name.substr(0, name.find(' '));
    if (std::system(("command -v " + name + " >/dev/null 2>&1").c_str()) != 0) continue;
    SCOPED_TRACE(name);
    std::string target = dir.file("text." + name);
    // Twice, concatenated: what `cat a.gz b.gz` or parallel compressors produce.
    std::string command = std::string(tool.command) + " -c '" + source + "' > '" + target +
                          "' && " + tool.command + " -c '" + source + "' >> '" + target + "'";
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
    auto in = open_input(target);
    EXPECT_EQ(in->compression(), tool.compression);
    EXPECT_TRUE(read_all(*in) == text + text);
    ++ran;
  }
  if (ran == 0) GTEST_SKIP() << "none of gzip, zstd, bzip2, xz is installed";
}

TEST(Input, MissingFileOrDirectoryIsInputOpenError) {
  TempDir dir;
  EXPECT_THROW(open_input(dir.file("does-not-exist")), InputOpenError);
  try {
    open_input(dir.path().string());
    FAIL() << "a directory was opened";
  } catch (const InputOpenError& error) {
    EXPECT_NE(std::string(error.what()).find("is a directory"), std::string::npos);
  }
}

TEST(Input, UnreadableFileIsInputOpenError) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads any file";
  TempDir dir;
  std::string path = dir.write("secret", "x");
  ASSERT_EQ(::chmod(path.c_str(), 0), 0);
  EXPECT_THROW(open_input(path), InputOpenError);
}

TEST(Input, ReadFailureIsIoError) {
  // Reading the write end of a pipe fails with EBADF: a stand-in for a device error.
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  EXPECT_THROW(InputStream(fds[1], false, "<bad>"), IoError);
  ::close(fds[0]);
  ::close(fds[1]);
}

}  // namespace
}  // namespace slide::io
