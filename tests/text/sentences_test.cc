#include "slide/text/sentences.h"

#include <gtest/gtest.h>
#include <oneapi/tbb/parallel_pipeline.h>

#include <atomic>
#include <random>
#include <sstream>

#include "slide/text/chunk_reader.h"

namespace slide::text {
namespace {

std::string corpus_of_long_lines() {
  // Two very long lines (like Text8's single line) and some short ones.
  std::mt19937 rng(17);
  std::string text;
  for (int line = 0; line < 6; ++line) {
    const int words = line % 3 == 0 ? 30000 : 5 + static_cast<int>(rng() % 20);
    for (int w = 0; w < words; ++w) {
      text += 'w';
      // One word in ten is rare (dropped by min-count below).
      text += std::to_string(rng() % 10 == 0 ? 1000 + rng() % 100000 : rng() % 300);
      text += ' ';
    }
    text += '\n';
  }
  return text;
}

struct Totals {
  std::uint64_t known = 0, sentences = 0, words = 0, checksum = 0;
  std::size_t longest = 0;
};

TEST(Sentences, PipelineOverChunksIsBoundedAndMatchesSerial) {
  const std::string text = corpus_of_long_lines();
  std::istringstream in(text);
  const Vocabulary vocab =
      learn_vocabulary(io::istream_source(in, "c"), {.min_count = 40, .max_size = 0});
  ASSERT_EQ(vocab.size(), 301u);  // the 300 common words and "</s>": the rare ones are dropped

  // Serial reference over the whole text at once.
  Totals serial;
  std::vector<std::uint32_t> scratch;
  serial.known =
      for_each_sentence(text, vocab, 1000, scratch, [&](std::span<const std::uint32_t> s) {
        ++serial.sentences;
        serial.words += s.size();
        serial.longest = std::max(serial.longest, s.size());
      });
  EXPECT_EQ(serial.longest, 1000u);
  EXPECT_EQ(serial.known, vocab.total_count());

  // Pipeline: serial reader -> parallel sentence splitting -> serial in-order accounting.
  std::istringstream in2(text);
  ChunkReader reader(io::istream_source(in2, "c"), 4096);
  Totals piped;
  std::uint64_t expected_index = 0;
  struct Chunk {
    std::string text;
    std::uint64_t index = 0;
    Totals totals;
  };
  oneapi::tbb::parallel_pipeline(
      8, oneapi::tbb::make_filter<void, std::shared_ptr<Chunk>>(
             oneapi::tbb::filter_mode::serial_in_order,
             [&](oneapi::tbb::flow_control& fc) {
               auto chunk = std::make_shared<Chunk>();
               if (!reader.next(chunk->text, &chunk->index)) {
                 fc.stop();
                 return std::shared_ptr<Chunk>();
               }
               return chunk;
             }) &
             oneapi::tbb::make_filter<std::shared_ptr<Chunk>, std::shared_ptr<Chunk>>(
                 oneapi::tbb::filter_mode::parallel,
                 [&](std::shared_ptr<Chunk> chunk) {
                   std::vector<std::uint32_t> local;
                   chunk->totals.known = for_each_sentence(
                       chunk->text, vocab, 1000, local, [&](std::span<const std::uint32_t> s) {
                         ++chunk->totals.sentences;
                         chunk->totals.words += s.size();
                         chunk->totals.longest = std::max(chunk->totals.longest, s.size());
                       });
                   return chunk;
                 }) &
             oneapi::tbb::make_filter<std::shared_ptr<Chunk>, void>(
                 oneapi::tbb::filter_mode::serial_in_order, [&](std::shared_ptr<Chunk> chunk) {
                   EXPECT_EQ(chunk->index, expected_index++);
                   EXPECT_LE(chunk->text.size(), 4096u);
                   piped.known += chunk->totals.known;
                   piped.sentences += chunk->totals.sentences;
                   piped.words += chunk->totals.words;
                   piped.longest = std::max(piped.longest, chunk->totals.longest);
                 }));
  // Same tokens; chunk ends cut extra sentences, never longer ones.
  EXPECT_EQ(piped.known, serial.known);
  EXPECT_EQ(piped.words, serial.words);
  EXPECT_GE(piped.sentences, serial.sentences);
  EXPECT_LE(piped.longest, 1000u);
  EXPECT_GE(expected_index, (text.size() + 4095) / 4096);  // chunks of at most 4096 bytes
}

}  // namespace
}  // namespace slide::text
