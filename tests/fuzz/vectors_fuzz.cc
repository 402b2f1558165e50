// libFuzzer target: the word vector readers (slide/w2v/vectors_io.h): word2vec text, word2vec
// binary, fastText .vec and automatic detection, from memory and from a (possibly compressed)
// file.
//
// Input: byte 0 picks the format (% 4: w2v-text, w2v-bin, vec, auto) and the source (bit 2: a
// memfd through read_vectors_file, i.e. io::open_input and its decompressors), byte 1 the read
// size of the in-memory source and max_words; the rest is the file. A successful read must give
// words.size() * dim values, and must survive a round trip: written as word2vec binary and read
// back, the words and the value bits are the same.

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

#include "fuzz/fuzz_util.h"
#include "slide/core/error.h"
#include "slide/io/byte_source.h"
#include "slide/w2v/vectors_io.h"

namespace slide::fuzz {

int vectors_one_input(const std::uint8_t* data, std::size_t size) {
  Bytes in(data, size);
  const std::uint8_t mode = in.take();
  const std::uint8_t knob = in.take();
  const std::string_view file = in.rest();
  static constexpr w2v::VectorFormat kFormats[] = {
      w2v::VectorFormat::word2vec_text, w2v::VectorFormat::word2vec_binary,
      w2v::VectorFormat::fasttext_vec, w2v::VectorFormat::automatic};
  w2v::ReadVectorsOptions options;
  options.format = kFormats[mode % 4];
  options.max_words = (knob & 0x80) ? (knob & 7) : 0;
  w2v::WordVectors v;
  try {
    if (mode & 4) {
      v = w2v::read_vectors_file(mem_file(0).write(file), options);
    } else {
      v = w2v::read_vectors(io::memory_source(file, "vectors.txt", 1 + (knob & 0x7F) * 5u),
                            options);
    }
  } catch (const slide::Error& e) {
    note_error(e);
    return 0;
  }
  SLIDE_FUZZ_CHECK(v.dim > 0);
  SLIDE_FUZZ_CHECK(v.values.size() == v.words.size() * v.dim);
  if (options.max_words != 0) SLIDE_FUZZ_CHECK(v.words.size() <= options.max_words);
  for (const std::string& w : v.words) {
    SLIDE_FUZZ_CHECK(!w.empty());
    SLIDE_FUZZ_CHECK(w.find(' ') == std::string::npos);
  }

  std::string image;
  io::ByteSink sink;
  sink.name = "roundtrip.bin";
  sink.write = [&image](const char* p, std::size_t n) { image.append(p, n); };
  w2v::write_vectors(v, w2v::VectorFormat::word2vec_binary, sink);
  w2v::ReadVectorsOptions binary;
  binary.format = w2v::VectorFormat::word2vec_binary;
  const w2v::WordVectors back =
      w2v::read_vectors(io::memory_source(image, "roundtrip.bin", std::size_t(-1)), binary);
  SLIDE_FUZZ_CHECK(back.dim == v.dim);
  SLIDE_FUZZ_CHECK(back.words == v.words);
  SLIDE_FUZZ_CHECK(back.values.size() == v.values.size());
  SLIDE_FUZZ_CHECK(v.values.empty() ||
                   std::memcmp(back.values.data(), v.values.data(), 4 * v.values.size()) == 0);
  return 0;
}

}  // namespace slide::fuzz

#ifndef SLIDE_FUZZ_REPLAY
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return slide::fuzz::vectors_one_input(data, size);
}
#endif
