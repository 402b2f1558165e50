#pragma once

// Helpers shared by the libFuzzer targets in tests/fuzz (and by their replay in slide_fuzz_tests).
//
// Every target has the same contract: whatever the bytes, the code under test either returns a
// result that satisfies the documented invariants (checked with SLIDE_FUZZ_CHECK) or throws one
// of the library's typed errors (slide::Error). Anything else -- a crash, a sanitizer report, an
// uncaught std::exception (std::bad_alloc from a header that asks for terabytes, std::out_of_range,
// ...), a broken invariant -- is a finding. The first input byte(s) pick the variant and options,
// so one target covers every format of a reader.

#include <cstddef>
#include <cstdint>
#include <exception>
#include <span>
#include <string>
#include <string_view>

#include "slide/io/byte_source.h"

namespace slide::fuzz {

// Aborts with a message naming the broken invariant (libFuzzer then saves the input).
[[noreturn]] void check_failed(const char* expression, const char* file, int line);

#define SLIDE_FUZZ_CHECK(cond) \
  ((cond) ? static_cast<void>(0) : ::slide::fuzz::check_failed(#cond, __FILE__, __LINE__))

// The expected way for a reader to refuse an input. Prints the message when SLIDE_FUZZ_VERBOSE is
// set (to see why a seed or a finding is rejected); silent otherwise, as libFuzzer wants.
void note_error(const std::exception& e);

// Consumes bytes from the front of the input (zero once it is exhausted).
class Bytes {
 public:
  Bytes(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  std::uint8_t take() {
    if (size_ == 0) return 0;
    --size_;
    return *data_++;
  }
  std::string_view rest() const { return {reinterpret_cast<const char*>(data_), size_}; }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
};

// The bytes as a file that the path-based readers (io::open_input, ModelReader's mmap) can open:
// an anonymous memfd rewritten for each input, named /proc/self/fd/N. No disk involved.
class MemFile {
 public:
  MemFile();
  ~MemFile();
  MemFile(const MemFile&) = delete;
  MemFile& operator=(const MemFile&) = delete;
  // Replaces the contents and returns the path.
  const std::string& write(std::string_view bytes);
  const std::string& path() const { return path_; }

 private:
  int fd_ = -1;
  std::string path_;
};

// One MemFile per slot, created on first use and kept for the process (libFuzzer runs millions of
// inputs; creating a memfd per input would be slower).
MemFile& mem_file(int slot);

// Model container repair: recomputes every in-bounds section CRC32C, the file_size field and the
// header CRC of a model file image, so that mutations reach the section parsers behind the
// checksums. Leaves images too short to have a table alone.
void repair_model_checksums(std::string& image);

// Builds a valid model file image (slide/model/model_file.h, version 1, correct CRCs) of `kind`
// from `spec`: sections separated by the marker "\0SEC", each a 4-byte tag followed by its
// payload. Lets the fuzzer change the CONFIG text and the payload sizes freely (an inserted byte
// in a real image breaks every offset after it).
std::string build_model_image(std::uint32_t kind, std::string_view spec);

}  // namespace slide::fuzz
