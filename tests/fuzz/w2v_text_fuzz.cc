// libFuzzer target: slide-w2v's text input -- the tokeniser (for_each_token), the chunked corpus
// reader (ChunkReader), vocabulary counting and files (VocabularyCounter, read_vocab,
// learn_vocabulary_file with decompression) and the sentence reader (for_each_sentence).
//
// Input: byte 0 picks the mode, byte 1 the chunk size / read size / min_count, the rest is text.
//   byte0 % 3 == 0: differential check. The corpus is read through a ChunkReader with a small
//                   buffer and a source that returns few bytes per read; the token stream must be
//                   exactly that of for_each_token over the whole input (chunk_reader.h's
//                   promise). Then a vocabulary is built and the sentences of every chunk are
//                   walked; the counts must agree with the vocabulary's.
//   byte0 % 3 == 1: read_vocab (word2vec -save-vocab files).
//   byte0 % 3 == 2: learn_vocabulary_file on a memfd (io::open_input, decompressors).

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz/fuzz_util.h"
#include "slide/core/error.h"
#include "slide/io/byte_source.h"
#include "slide/text/chunk_reader.h"
#include "slide/text/sentences.h"
#include "slide/text/tokenizer.h"
#include "slide/text/vocabulary.h"

namespace slide::fuzz {
namespace {

void check_vocabulary(const text::Vocabulary& v) {
  SLIDE_FUZZ_CHECK(v.size() >= 1);
  SLIDE_FUZZ_CHECK(v.word(text::Vocabulary::kEndOfSentenceId) == text::kEndOfSentence);
  std::uint64_t total = 0;
  for (std::uint32_t id = 0; id < v.size(); ++id) {
    SLIDE_FUZZ_CHECK(v.find(v.word(id)) == id);
    total += v.count(id);
    if (id >= 2) SLIDE_FUZZ_CHECK(v.count(id - 1) >= v.count(id));
  }
  SLIDE_FUZZ_CHECK(total == v.total_count());
}

void differential(std::string_view corpus, std::uint8_t knob) {
  std::vector<std::string> whole;
  text::for_each_token(corpus, [&](std::string_view t) { whole.emplace_back(t); });

  const std::size_t chunk_bytes = text::ChunkReader::kMinChunkBytes + (knob & 0x3F);
  const std::size_t max_read = 1 + (knob >> 6) * 37;
  text::ChunkReader reader(io::memory_source(corpus, "corpus.txt", max_read), chunk_bytes);
  std::vector<std::string> chunks;
  std::size_t next_token = 0;
  std::string_view chunk;
  text::VocabularyCounter counter;
  while (reader.next(chunk)) {
    SLIDE_FUZZ_CHECK(!chunk.empty() && chunk.size() <= chunk_bytes);
    text::for_each_token(chunk, [&](std::string_view t) {
      SLIDE_FUZZ_CHECK(next_token < whole.size());
      SLIDE_FUZZ_CHECK(t == whole[next_token]);
      SLIDE_FUZZ_CHECK(t.size() <= text::kMaxWordBytes);
      ++next_token;
    });
    counter.add_text(chunk);
    chunks.emplace_back(chunk);
  }
  SLIDE_FUZZ_CHECK(next_token == whole.size());
  SLIDE_FUZZ_CHECK(reader.bytes_read() == corpus.size());
  SLIDE_FUZZ_CHECK(counter.tokens() == whole.size());

  text::VocabularyOptions options;
  options.min_count = 1 + (knob & 3);
  options.max_size = (knob & 4) ? 1 + (knob >> 3) : 0;
  const text::Vocabulary vocabulary = counter.build(options);
  check_vocabulary(vocabulary);

  // Sentences: every id is known and not "</s>"; the known-token count matches the vocabulary.
  std::uint64_t known = 0;
  std::vector<std::uint32_t> scratch;
  const std::size_t max_length = 1 + (knob & 7);
  for (const std::string& c : chunks) {
    known += text::for_each_sentence(
        c, vocabulary, max_length, scratch, [&](std::span<const std::uint32_t> s) {
          SLIDE_FUZZ_CHECK(!s.empty() && s.size() <= max_length);
          for (const std::uint32_t id : s) {
            SLIDE_FUZZ_CHECK(id < vocabulary.size() && id != text::Vocabulary::kEndOfSentenceId);
          }
        });
  }
  std::uint64_t expected = 0;
  for (const std::string& t : whole) expected += vocabulary.find(t) != text::Vocabulary::kNotFound;
  SLIDE_FUZZ_CHECK(known == expected);
}

}  // namespace

int w2v_text_one_input(const std::uint8_t* data, std::size_t size) {
  Bytes in(data, size);
  const std::uint8_t mode = in.take();
  const std::uint8_t knob = in.take();
  const std::string_view text = in.rest();
  try {
    switch (mode % 3) {
      case 0:
        differential(text, knob);
        break;
      case 1: {
        text::VocabularyOptions options;
        options.min_count = knob & 3;
        options.max_size = (knob & 4) ? 1 + (knob >> 3) : 0;
        check_vocabulary(
            text::read_vocab(io::memory_source(text, "vocab.txt", 1 + knob * 3u), options));
        break;
      }
      default: {
        text::VocabularyOptions options;
        options.min_count = knob & 3;
        std::uint64_t tokens = 0;
        const text::Vocabulary v =
            text::learn_vocabulary_file(mem_file(0).write(text), options, &tokens);
        check_vocabulary(v);
        SLIDE_FUZZ_CHECK(v.total_count() <= tokens);
        break;
      }
    }
  } catch (const slide::Error& e) {
    note_error(e);
  }
  return 0;
}

}  // namespace slide::fuzz

#ifndef SLIDE_FUZZ_REPLAY
extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  return slide::fuzz::w2v_text_one_input(data, size);
}
#endif
