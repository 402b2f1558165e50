#pragma once

// The reading side of training: the corpus, once per epoch, cut into chunks (text::ChunkReader)
// and each chunk turned into a block of sentences of word ids, the unit of parallel work. Blocks
// are numbered over all epochs; the number seeds the block's random stream, which is what makes
// a run independent of which thread trains which block. A resumed run skips the chunks it had
// trained and checks that they are the same bytes.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "slide/io/byte_source.h"
#include "slide/text/chunk_reader.h"
#include "slide/text/vocabulary.h"
#include "slide/w2v/options.h"
#include "slide/w2v/train_state.h"

namespace slide::w2v {

// Opens the corpus for one epoch (0-based). Called once per epoch, in order.
using CorpusOpener = std::function<io::ByteSource(std::size_t epoch)>;

// Opens a corpus path for each epoch ("-" is stdin; compressed input detected).
CorpusOpener corpus_file_opener(const std::string& path);

// One block: sentences of word ids, and where it sits in the stream.
struct Block {
  std::uint64_t index = 0;         // over all epochs: seeds the block's random stream
  std::uint64_t words_before = 0;  // known words read before this block, all epochs
  std::vector<std::uint32_t> ids;
  std::vector<std::uint32_t> sentence_ends;   // exclusive ends into ids
  std::vector<std::uint32_t> sentence_words;  // known words (with "</s>") up to each sentence end
};

class CorpusBlocks {
 public:
  // `resume`: continue from a stopped run's position (null: from the start).
  CorpusBlocks(const text::Vocabulary& vocabulary, CorpusOpener open, const TrainerOptions& options,
               const TrainPosition* resume);

  // Whether every epoch has been read.
  bool done() const { return epoch_ >= epochs_ && !reader_; }
  // The next block, opening the epoch first when needed (the block may hold no word: a chunk
  // without a known word). Null at the end of an epoch; the next call opens the next epoch.
  // Throws DataError naming the input when an epoch holds no known word, or when a resumed
  // epoch does not start with the chunks the checkpoint was made on; errors of the corpus
  // propagate.
  std::shared_ptr<Block> next();

  std::size_t epoch() const { return epoch_; }
  std::uint64_t words_read() const { return words_read_; }
  // Fills the reading side of `position` (epoch, chunks, bytes, epoch_words, words_read,
  // block_index).
  void record(TrainPosition& position) const;

 private:
  void open_epoch();

  const text::Vocabulary& vocabulary_;
  CorpusOpener open_;
  std::size_t epochs_;
  std::size_t block_bytes_;
  std::size_t max_sentence_length_;
  std::unique_ptr<text::ChunkReader> reader_;
  std::string input_name_;
  std::string chunk_;
  std::vector<std::uint32_t> sentence_scratch_;
  std::size_t epoch_ = 0;
  std::uint64_t words_read_ = 0, epoch_words_ = 0, block_index_ = 0;
  std::uint64_t epoch_chunks_ = 0, epoch_bytes_ = 0;
  // A resumed run skips the chunks already trained of its epoch (the same chunks: the reader
  // cuts a file the same way every time) and checks their size against the checkpoint's.
  std::uint64_t skip_chunks_ = 0, skip_bytes_ = 0;
};

}  // namespace slide::w2v
