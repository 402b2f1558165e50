#pragma once

// The word vocabulary of slide-w2v, with word2vec's conventions:
//   - "</s>" (the newline token) is always id 0, even when its count is below min_count;
//   - the other words are sorted by count, descending; equal counts keep the order of first
//     occurrence in the corpus (or of the lines of a vocabulary file), so the ids are deterministic
//     (word2vec.c's qsort leaves ties in an unspecified order);
//   - words seen fewer than min_count times are dropped; max_size, if not 0, then keeps the
//     max_size entries ("</s>" included) with the highest counts;
//   - total_count() is the sum of the counts of the kept entries ("</s>" included), word2vec's
//     train_words.
// Vocabulary files are word2vec's -save-vocab format: one "word count\n" line per entry, in id
// order.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <istream>
#include <ostream>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "slide/io/byte_source.h"

namespace slide::text {

struct VocabularyOptions {
  std::uint64_t min_count = 5;  // word2vec's default
  std::size_t max_size = 0;     // 0: no limit
};

class Vocabulary {
 public:
  static constexpr std::uint32_t kNotFound = 0xFFFFFFFFu;
  static constexpr std::uint32_t kEndOfSentenceId = 0;

  // An empty vocabulary holding only "</s>" with count 0.
  Vocabulary();

  // Builds from (word, count) entries in first-occurrence order; applies the rules above. Words
  // must be distinct (checked by the callers that read data).
  static Vocabulary from_counts(std::vector<std::pair<std::string, std::uint64_t>> entries,
                                const VocabularyOptions& options);

  std::size_t size() const { return words_.size(); }
  const std::string& word(std::uint32_t id) const { return words_[id]; }
  std::uint64_t count(std::uint32_t id) const { return counts_[id]; }
  const std::vector<std::string>& words() const { return words_; }
  const std::vector<std::uint64_t>& counts() const { return counts_; }
  std::uint64_t total_count() const { return total_count_; }

  // The id of `word`, or kNotFound. No allocation; safe to call from many threads.
  std::uint32_t find(std::string_view word) const noexcept;

  // word2vec's frequent-word subsampling (word2vec.c TrainModelThread): a word with count f out of
  // total T is kept with probability
  //     ran = (sqrt(f / (sample * T)) + 1) * (sample * T) / f,
  // which exceeds 1 (always kept) for words rarer than about sample * T. word2vec draws r from
  // its LCG and drops the word when ran < (r & 0xFFFF) / 65536; keep_word() below does the same
  // comparison. Computed with word2vec.c's mix of float and double, so the values are the same
  // bits as word2vec's for the same counts. sample <= 0 disables
  // subsampling (all 1). Entries with count 0 get 1.
  std::vector<float> keep_probabilities(double sample) const;

 private:
  void build_index();

  std::vector<std::string> words_;
  std::vector<std::uint64_t> counts_;
  std::uint64_t total_count_ = 0;
  // Open addressing: slot -> id + 1 (0 = empty), with the hash's upper 32 bits to skip most string
  // comparisons.
  std::vector<std::uint64_t> slots_;
  std::uint64_t mask_ = 0;
};

// word2vec's subsampling test: keep when random16 / 65536 <= keep_probability, random16 being 16
// uniformly random bits (word2vec: next_random & 0xFFFF).
inline bool keep_word(float keep_probability, std::uint32_t random16) {
  return !(keep_probability < static_cast<float>(random16 & 0xFFFFu) / 65536.0f);
}

// Counts words (tokenised by for_each_token, "</s>" included) in first-occurrence order.
class VocabularyCounter {
 public:
  VocabularyCounter();
  void add(std::string_view word);
  // Tokenises a chunk (ending at a separator, see ChunkReader) and adds its tokens.
  void add_text(std::string_view text);
  std::uint64_t tokens() const { return tokens_; }
  std::size_t distinct() const { return order_.size(); }
  Vocabulary build(const VocabularyOptions& options) const;

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const noexcept {
      return std::hash<std::string_view>{}(s);
    }
  };
  // word -> index into order_ / counts_.
  std::unordered_map<std::string, std::uint32_t, Hash, std::equal_to<>> index_;
  std::vector<const std::string*> order_;
  std::vector<std::uint64_t> counts_;
  std::uint64_t tokens_ = 0;
};

// Called after each chunk (about 1 MiB) with the bytes and tokens read so far; may throw (e.g.
// InterruptedError) to stop.
using VocabularyProgress = std::function<void(std::uint64_t bytes, std::uint64_t tokens)>;

// Reads a whole corpus and counts it (word2vec's LearnVocabFromTrainFile, without its pruning).
// tokens_read, if given, receives the number of tokens ("</s>" included) before min-count.
Vocabulary learn_vocabulary(io::ByteSource source, const VocabularyOptions& options,
                            std::uint64_t* tokens_read = nullptr,
                            const VocabularyProgress& progress = {});
// The same from a path ("-": stdin; gzip, zstd, bzip2 and xz are detected and decompressed).
Vocabulary learn_vocabulary_file(const std::string& path, const VocabularyOptions& options,
                                 std::uint64_t* tokens_read = nullptr,
                                 const VocabularyProgress& progress = {});

// Writes "word count\n" per entry in id order (the sink throws if the output fails).
void save_vocab(const Vocabulary& vocabulary, const io::ByteSink& out);
// The same into an ostream, flushed; IoError naming `name` if it fails.
void save_vocab(const Vocabulary& vocabulary, std::ostream& out, const std::string& name);
// To a path ("-": stdout), through a temporary file renamed into place when complete.
void save_vocab_file(const Vocabulary& vocabulary, const std::string& path);

// Reads a vocabulary file, then applies `options` as from_counts does (word2vec's -read-vocab
// also re-sorts and applies -min-count). A "</s>" line may appear anywhere (it becomes id 0);
// without one, "</s>" is added with count 0. Empty lines are skipped, "\r\n" is accepted.
// Malformed lines, words with a space or tab, counts that are not a decimal integer, and a word
// listed twice raise DataError(name, line, what was expected).
Vocabulary read_vocab(io::ByteSource source, const VocabularyOptions& options);
Vocabulary read_vocab(std::istream& in, const std::string& name, const VocabularyOptions& options);
Vocabulary read_vocab_file(const std::string& path, const VocabularyOptions& options);

}  // namespace slide::text
