#pragma once

// Writing an output file or stdout ("-"). A file is written to a temporary file in the same
// directory (".<name>.tmp.XXXXXX") and moved into place by commit() only, so a failed run never
// leaves a half-written file and never damages an existing one (a crash of the whole process can
// leave the temporary behind, never a partial target). A symbolic link at the path is replaced by
// the new file, not followed. An existing device, FIFO or socket (/dev/null, a named pipe) or link
// to a descriptor (/dev/stdout, /proc/self/fd/N) is written in place like stdout instead: there is
// no file to replace, and the node must not be replaced.
//
//   auto out = slide::io::open_output(path);  // "-" is stdout
//   if (binary && out->is_terminal()) throw UsageError("refusing to write binary to a terminal");
//   out->write(data, size);
//   out->commit();                             // without it, nothing replaces path

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "slide/io/byte_source.h"

namespace slide::io {

class OutputStream {
 public:
  // Writes to the file descriptor fd (not closed, not renamed; commit() flushes it). name is used
  // in error messages. This is what "-" opens (fd 1, "<stdout>").
  OutputStream(int fd, std::string name);
  ~OutputStream();
  OutputStream(const OutputStream&) = delete;
  OutputStream& operator=(const OutputStream&) = delete;

  // Buffered writes. Throw IoError naming the file when the system refuses the data (e.g. disk
  // full, closed pipe), and UsageError after commit() or discard().
  void write(const char* data, std::size_t n);
  void write(std::string_view text) { write(text.data(), text.size()); }
  void put(char c) {
    check_open();
    if (buffer_size_ == buffer_.size()) flush_buffer();
    buffer_[buffer_size_++] = c;
  }

  // Bytes written so far (the offset of the next write).
  std::uint64_t position() const { return flushed_ + buffer_size_; }

  // Overwrites n bytes at offset (< position()), e.g. to patch a header written before the sizes
  // were known. Files only: throws UsageError on an fd output such as stdout, IoError on failure.
  void write_at(std::uint64_t offset, const char* data, std::size_t n);

  // Hands the buffered bytes to the system now (e.g. after each prediction when streaming).
  void flush();

  // Finishes the output: flushes, and for a file fsyncs, closes and renames the temporary file
  // onto the path. Throws IoError on failure (the temporary is then removed). Call once.
  void commit();

  // Gives the output up now: the temporary file is removed (as by the destructor without
  // commit()); for an fd output, the buffered bytes are dropped. Later writes throw UsageError.
  void discard() noexcept;

  // Whether the output is a terminal (callers refuse to write binary data there, as zstd does).
  bool is_terminal() const;

  // The path given to open_output(), or "<stdout>".
  const std::string& name() const { return name_; }

 private:
  friend std::unique_ptr<OutputStream> open_output(const std::string& path);

  // The stream as the library's ByteSink (its writers take one). The stream must outlive it.
  ByteSink output_sink(OutputStream& out);
  OutputStream(int fd, std::string name, std::string temporary_path);
  void flush_buffer();
  void check_open() const;

  int fd_;
  std::string name_;
  // The file that commit() renames onto name_ (cleared once removed); empty for an fd output.
  std::string temporary_path_;
  bool is_file_;
  std::vector<char> buffer_;
  std::size_t buffer_size_ = 0;
  std::uint64_t flushed_ = 0;
  // Set by commit() and discard(): no more writes.
  bool closed_ = false;
  bool committed_ = false;
  // A device or FIFO opened by open_output (closed by the destructor), unlike stdout.
  bool owns_fd_ = false;
};

// Opens path for writing; "-" is stdout. For a path, creates the temporary file at once, so that a
// missing or read-only directory raises OutputCreateError before any work is done. The file gets
// the mode of the file it replaces, or 0666 minus the umask for a new one.
std::unique_ptr<OutputStream> open_output(const std::string& path);

// The stream as the library's ByteSink (its writers take one). The stream must outlive it.
ByteSink output_sink(OutputStream& out);

}  // namespace slide::io
