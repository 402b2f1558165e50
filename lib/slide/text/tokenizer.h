#pragma once

// word2vec's tokenisation rules (word2vec.c ReadWord), applied to a block of text:
//   - space, tab and newline separate words; every other byte (UTF-8 included) is part of a word;
//   - '\r' is dropped wherever it occurs (so "\r\n" line ends behave like "\n");
//   - every newline yields the token "</s>" (after the word it ends, if any), so an empty line is
//     one "</s>" and the end of the input without a newline yields none;
//   - a word longer than kMaxWordBytes bytes is truncated to its longest prefix of at most
//     kMaxWordBytes bytes that does not end inside a UTF-8 sequence. (word2vec.c keeps 98 bytes
//     plus the word's last byte, which can cut a UTF-8 character in two; we do not copy that.)

#include <cstddef>
#include <string_view>

namespace slide::text {

inline constexpr std::size_t kMaxWordBytes = 100;
inline constexpr std::string_view kEndOfSentence = "</s>";

inline constexpr bool is_separator(char c) {
  return c == ' ' || c == '\t' || c == '\n';
}

// Length of `word` after truncation to kMaxWordBytes on a UTF-8 boundary. Only the first
// kMaxWordBytes + 1 bytes are looked at, so a prefix of that length truncates the same way as the
// whole word (the chunk reader relies on this to drop the tail of giant words).
inline std::size_t truncated_word_length(const char* word, std::size_t n) {
  if (n <= kMaxWordBytes) return n;
  std::size_t cut = kMaxWordBytes;
  // Back up while word[cut] is a continuation byte (10xxxxxx): cutting there would split a
  // character. Invalid UTF-8 made only of continuation bytes keeps kMaxWordBytes.
  while (cut > 0 && (static_cast<unsigned char>(word[cut]) & 0xC0) == 0x80) --cut;
  return cut == 0 ? kMaxWordBytes : cut;
}

// Calls f(std::string_view token) for each token of `text`, in order. The view is valid only
// during the call. `text` should end at a separator (ChunkReader chunks do) or at the end of the
// input; otherwise its last word is taken as complete.
template <class F>
void for_each_token(std::string_view text, F&& f) {
  const char* p = text.data();
  const char* const end = p + text.size();
  char scratch[kMaxWordBytes + 1];
  while (p < end) {
    // Skip separators, emitting "</s>" for newlines; '\r' between words is dropped.
    while (p < end && (is_separator(*p) || *p == '\r')) {
      if (*p == '\n') f(kEndOfSentence);
      ++p;
    }
    if (p == end) break;
    const char* start = p;
    bool has_cr = false;
    while (p < end && !is_separator(*p)) {
      has_cr |= (*p == '\r');
      ++p;
    }
    if (!has_cr) {
      f(std::string_view(start, truncated_word_length(start, static_cast<std::size_t>(p - start))));
    } else {
      // Rare: '\r' inside a word. Copy without it, keeping kMaxWordBytes + 1 bytes at most (all
      // truncation needs).
      std::size_t n = 0;
      for (const char* q = start; q < p && n <= kMaxWordBytes; ++q) {
        if (*q != '\r') scratch[n++] = *q;
      }
      if (n > 0) f(std::string_view(scratch, truncated_word_length(scratch, n)));
    }
  }
}

}  // namespace slide::text
