#include "slide/text/tokenizer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "slide/text/chunk_reader.h"

namespace slide::text {
namespace {

std::vector<std::string> tokens_of(std::string_view text) {
  std::vector<std::string> out;
  for_each_token(text, [&](std::string_view w) { out.emplace_back(w); });
  return out;
}

using Tokens = std::vector<std::string>;

TEST(Tokenizer, SeparatorsAndNewlines) {
  EXPECT_EQ(tokens_of("a b\tc\nd"), (Tokens{"a", "b", "c", "</s>", "d"}));
  EXPECT_EQ(tokens_of("  a  \t\t b  "), (Tokens{"a", "b"}));
  EXPECT_EQ(tokens_of("\n\n"), (Tokens{"</s>", "</s>"}));
  EXPECT_EQ(tokens_of("x\n\ny\n"), (Tokens{"x", "</s>", "</s>", "y", "</s>"}));
  EXPECT_EQ(tokens_of(""), Tokens{});
  // Other whitespace is part of a word, as in word2vec.c.
  EXPECT_EQ(tokens_of("a\vb\fc"), (Tokens{"a\vb\fc"}));
}

TEST(Tokenizer, CarriageReturnsAreDropped) {
  EXPECT_EQ(tokens_of("a b\r\nc\r\n"), (Tokens{"a", "b", "</s>", "c", "</s>"}));
  EXPECT_EQ(tokens_of("ab\rcd \r \r\r\n"), (Tokens{"abcd", "</s>"}));
  EXPECT_EQ(tokens_of("\r"), Tokens{});
}

TEST(Tokenizer, Utf8WordsKeptWhole) {
  EXPECT_EQ(tokens_of("caf\xc3\xa9 na\xc3\xafve\n"),
            (Tokens{"caf\xc3\xa9", "na\xc3\xafve", "</s>"}));
}

TEST(Tokenizer, LongWordsTruncatedOnUtf8Boundary) {
  const std::string ascii(250, 'x');
  EXPECT_EQ(tokens_of(ascii + " y"), (Tokens{std::string(kMaxWordBytes, 'x'), "y"}));
  // 99 ASCII bytes then a 2-byte character straddling byte 100: the character is dropped.
  const std::string straddle = std::string(99, 'a') + "\xc3\xa9" + "bbb";
  EXPECT_EQ(tokens_of(straddle), (Tokens{std::string(99, 'a')}));
  // 98 + 2-byte character ends exactly at byte 100: kept.
  const std::string fits = std::string(98, 'a') + "\xc3\xa9" + "bbb";
  EXPECT_EQ(tokens_of(fits), (Tokens{std::string(98, 'a') + "\xc3\xa9"}));
  // 4-byte characters: 25 of them fill 100 bytes exactly.
  std::string emoji;
  for (int i = 0; i < 30; ++i) emoji += "\xf0\x9f\x98\x80";
  EXPECT_EQ(tokens_of(emoji), (Tokens{emoji.substr(0, 100)}));
  // Truncation happens after dropping '\r'.
  std::string with_cr = std::string(60, 'a') + "\r" + std::string(60, 'b');
  EXPECT_EQ(tokens_of(with_cr), (Tokens{std::string(60, 'a') + std::string(40, 'b')}));
}

// A source that hands out its bytes in pieces whose sizes cycle through `pieces`.
io::ByteSource piecewise_source(const std::string& data, std::vector<std::size_t> pieces) {
  struct State {
    std::size_t pos = 0, piece = 0;
  };
  auto state = std::make_shared<State>();
  io::ByteSource source;
  source.name = "piecewise";
  source.read = [&data, pieces, state](char* buf, std::size_t n) -> std::size_t {
    std::size_t want = std::min(n, pieces[state->piece++ % pieces.size()]);
    want = std::min(want, data.size() - state->pos);
    std::copy_n(data.data() + state->pos, want, buf);
    state->pos += want;
    return want;
  };
  return source;
}

std::vector<std::string> chunked_tokens(const std::string& data, std::size_t chunk_bytes,
                                        std::vector<std::size_t> pieces,
                                        std::size_t* max_chunk = nullptr) {
  ChunkReader reader(piecewise_source(data, std::move(pieces)), chunk_bytes);
  std::vector<std::string> out;
  std::string_view chunk;
  std::size_t largest = 0;
  while (reader.next(chunk)) {
    EXPECT_FALSE(chunk.empty());
    largest = std::max(largest, chunk.size());
    for_each_token(chunk, [&](std::string_view w) { out.emplace_back(w); });
  }
  EXPECT_FALSE(reader.next(chunk));  // stays at the end
  EXPECT_EQ(reader.bytes_read(), data.size());
  if (max_chunk != nullptr) *max_chunk = largest;
  return out;
}

std::string random_corpus(std::uint32_t seed, std::size_t words) {
  std::mt19937 rng(seed);
  const char* const seps[] = {" ", " ", " ", "\t", "\n", "\r\n", "  ", "\n\n"};
  std::string text;
  for (std::size_t i = 0; i < words; ++i) {
    const std::uint32_t kind = rng() % 20;
    std::size_t len = kind == 0 ? 90 + rng() % 400 : 1 + rng() % 12;  // some over-long words
    for (std::size_t j = 0; j < len; ++j) {
      const std::uint32_t r = rng() % 40;
      if (r == 0) {
        text += "\xc3\xa9";
      } else if (r == 1) {
        text += '\r';
      } else {
        text += static_cast<char>('a' + r % 26);
      }
    }
    text += seps[rng() % 8];
  }
  if (rng() % 2) text += "tail";
  return text;
}

TEST(ChunkReader, SplitAtEveryByteOffsetGivesSameTokens) {
  const std::string corpus = random_corpus(7, 300);
  const auto expected = tokens_of(corpus);
  ASSERT_GT(expected.size(), 300u);
  // The source's first read ends at every offset; the rest comes in odd sizes.
  for (std::size_t offset = 1; offset <= corpus.size(); ++offset) {
    ASSERT_EQ(chunked_tokens(corpus, ChunkReader::kMinChunkBytes, {offset, 37, 1, 500}), expected)
        << "first read of " << offset << " bytes";
  }
}

TEST(ChunkReader, EveryChunkSizeGivesSameTokens) {
  // The chunk boundaries move with the buffer size: sweep it so that they fall at every offset
  // of the words and separators (and inside over-long words).
  const std::string corpus = random_corpus(11, 300);
  const auto expected = tokens_of(corpus);
  for (std::size_t chunk = ChunkReader::kMinChunkBytes; chunk <= 800; ++chunk) {
    ASSERT_EQ(chunked_tokens(corpus, chunk, {chunk / 3 + 1}), expected) << chunk;
  }
}

TEST(ChunkReader, ChunkSizesBoundedAndStreamUnchanged) {
  for (std::uint32_t seed = 1; seed <= 5; ++seed) {
    const std::string corpus = random_corpus(seed, 2000);
    const auto expected = tokens_of(corpus);
    for (std::size_t chunk :
         {std::size_t{1}, std::size_t{300}, std::size_t{4096}, std::size_t{1} << 20}) {
      std::size_t largest = 0;
      EXPECT_EQ(chunked_tokens(corpus, chunk, {65536}, &largest), expected);
      EXPECT_LE(largest, std::max(chunk, ChunkReader::kMinChunkBytes));
    }
  }
}

TEST(ChunkReader, OneGiantLineComesInBoundedChunks) {
  std::string line;
  for (int i = 0; i < 20000; ++i) line += "word" + std::to_string(i % 97) + ' ';
  std::size_t largest = 0;
  const auto got = chunked_tokens(line, 4096, {100000}, &largest);
  EXPECT_EQ(got.size(), 20000u);
  EXPECT_LE(largest, 4096u);
}

TEST(ChunkReader, GiantWordLongerThanTheBuffer) {
  // A 100 kB word, with '\r' and UTF-8 inside, between ordinary words; chunks of 256 bytes.
  std::string word;
  for (int i = 0; i < 20000; ++i) word += (i % 7 == 3) ? "\r\xc3\xa9" : "ab";
  const std::string corpus = "first " + word + "\nlast";
  const auto expected = tokens_of(corpus);
  ASSERT_EQ(expected.size(), 4u);
  EXPECT_EQ(expected[1].size(), kMaxWordBytes);
  std::size_t largest = 0;
  EXPECT_EQ(chunked_tokens(corpus, 256, {256, 3, 1000}, &largest), expected);
  EXPECT_LE(largest, 256u);
  // Also when the input ends inside the giant word.
  const std::string tail = "x " + word;
  EXPECT_EQ(chunked_tokens(tail, 256, {1000}), tokens_of(tail));
}

TEST(ChunkReader, EmptyInput) {
  EXPECT_TRUE(chunked_tokens("", 256, {10}).empty());
}

}  // namespace
}  // namespace slide::text
