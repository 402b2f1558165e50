#include "slide/w2v/corpus_blocks.h"

#include <algorithm>
#include <span>

#include "slide/core/error.h"
#include "slide/io/input.h"
#include "slide/text/sentences.h"

namespace slide::w2v {

CorpusOpener corpus_file_opener(const std::string& path) {
  return [path](std::size_t) { return io::open_source(path); };
}

CorpusBlocks::CorpusBlocks(const text::Vocabulary& vocabulary, CorpusOpener open,
                           const TrainerOptions& options, const TrainPosition* resume)
    : vocabulary_(vocabulary),
      open_(std::move(open)),
      epochs_(options.epochs),
      block_bytes_(std::max(options.block_bytes, text::ChunkReader::kMinChunkBytes)),
      max_sentence_length_(options.max_sentence_length) {
  if (resume) {
    epoch_ = static_cast<std::size_t>(resume->epoch);
    words_read_ = resume->words_read;
    block_index_ = resume->block_index;
    skip_chunks_ = resume->chunks;
    skip_bytes_ = resume->bytes;
    epoch_words_ = resume->epoch_words;
  }
}

void CorpusBlocks::open_epoch() {
  io::ByteSource source = open_(epoch_);
  input_name_ = source.name;
  reader_ = std::make_unique<text::ChunkReader>(std::move(source), block_bytes_);
  epoch_chunks_ = 0;
  epoch_bytes_ = 0;
  if (skip_chunks_ == 0) epoch_words_ = 0;
  for (; skip_chunks_ > 0; --skip_chunks_) {
    if (!reader_->next(chunk_)) break;
    ++epoch_chunks_;
    epoch_bytes_ += chunk_.size();
  }
  if (skip_chunks_ != 0 || epoch_bytes_ != skip_bytes_) {
    throw DataError(input_name_, 0,
                    "the corpus the checkpoint was made on (its first " +
                        std::to_string(skip_bytes_) + " bytes cut into the same chunks)");
  }
  skip_bytes_ = 0;
}

std::shared_ptr<Block> CorpusBlocks::next() {
  if (!reader_) open_epoch();
  if (!reader_->next(chunk_)) {
    if (epoch_words_ == 0) {
      throw DataError(input_name_, 0, "a corpus with at least one word of the vocabulary");
    }
    reader_.reset();
    ++epoch_;
    return nullptr;
  }
  ++epoch_chunks_;
  epoch_bytes_ += chunk_.size();
  auto block = std::make_shared<Block>();
  block->index = block_index_++;
  block->words_before = words_read_;
  std::uint64_t running = 0;
  // Known words between sentences (the "</s>" that ends them) are attributed to the next
  // sentence end; the final count is exact per block.
  const std::uint64_t known = text::for_each_sentence(
      chunk_, vocabulary_, max_sentence_length_, sentence_scratch_,
      [&](std::span<const std::uint32_t> sentence) {
        block->ids.insert(block->ids.end(), sentence.begin(), sentence.end());
        running += sentence.size();
        block->sentence_ends.push_back(static_cast<std::uint32_t>(block->ids.size()));
        block->sentence_words.push_back(static_cast<std::uint32_t>(running));
      });
  words_read_ += known;
  epoch_words_ += block->ids.size();
  return block;
}

void CorpusBlocks::record(TrainPosition& p) const {
  p.epoch = epoch_;
  if (reader_) {
    p.chunks = epoch_chunks_;
    p.bytes = epoch_bytes_;
    p.epoch_words = epoch_words_;
  } else {
    // The epoch is not open: at its start, or (a run stopped before it read a block) still at
    // the position it resumed from, which must not be lost.
    p.chunks = skip_chunks_;
    p.bytes = skip_bytes_;
    p.epoch_words = skip_chunks_ > 0 ? epoch_words_ : 0;
  }
  p.words_read = words_read_;
  p.block_index = block_index_;
}

}  // namespace slide::w2v
