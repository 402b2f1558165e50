#pragma once

// Turns a chunk of text (see ChunkReader) into sentences of word ids for training, the way
// word2vec.c's TrainModelThread reads them: unknown words are dropped (and do not count towards the
// length), "</s>" ends a sentence and is not part of it, and a sentence is cut after max_length
// known words (word2vec's MAX_SENTENCE_LENGTH is 1000). The end of a chunk also ends a sentence,
// so the blocks handed to the parallel stage of a pipeline are bounded and independent; with the
// default 1 MiB chunks this touches one sentence in ~10^5 words.
// Subsampling is the trainer's business (it needs its random stream); see
// Vocabulary::keep_probabilities.

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "slide/text/tokenizer.h"
#include "slide/text/vocabulary.h"

namespace slide::text {

inline constexpr std::size_t kMaxSentenceLength = 1000;

// Calls f(std::span<const std::uint32_t> sentence) for each non-empty sentence of `chunk`.
// `scratch` is reused between calls to avoid allocation. Returns the number of known tokens,
// "</s>" included (word2vec's word_count, the unit of its progress and learning-rate decay).
template <class F>
std::uint64_t for_each_sentence(std::string_view chunk, const Vocabulary& vocabulary,
                                std::size_t max_length, std::vector<std::uint32_t>& scratch,
                                F&& f) {
  if (max_length == 0) max_length = kMaxSentenceLength;
  scratch.clear();
  std::uint64_t known = 0;
  for_each_token(chunk, [&](std::string_view word) {
    const std::uint32_t id = vocabulary.find(word);
    if (id == Vocabulary::kNotFound) return;
    ++known;
    if (id == Vocabulary::kEndOfSentenceId) {
      if (!scratch.empty()) f(std::span<const std::uint32_t>(scratch));
      scratch.clear();
      return;
    }
    scratch.push_back(id);
    if (scratch.size() >= max_length) {
      f(std::span<const std::uint32_t>(scratch));
      scratch.clear();
    }
  });
  if (!scratch.empty()) f(std::span<const std::uint32_t>(scratch));
  scratch.clear();
  return known;
}

}  // namespace slide::text
