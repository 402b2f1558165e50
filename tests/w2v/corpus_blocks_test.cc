#include "slide/w2v/corpus_blocks.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "slide/core/error.h"
#include "slide/text/vocabulary.h"
#include "w2v/memory_corpus.h"

namespace slide::w2v {
namespace {

text::Vocabulary vocabulary_of(const std::string& text) {
  text::VocabularyCounter counter;
  counter.add_text(text);
  return counter.build({});
}

std::string lines(int count) {
  std::string text;
  for (int i = 0; i < count; ++i)
    text += "the cat sat on the mat number " + std::to_string(i % 7) + "\n";
  return text;
}

// Blocks are numbered over all epochs, every known word is read once per epoch, and the end of
// each epoch shows as one null block.
TEST(W2vCorpusBlocks, ReadsEveryEpochInNumberedBlocks) {
  const std::string text = lines(3000);
  const text::Vocabulary vocab = vocabulary_of(text);
  TrainerOptions o;
  o.epochs = 2;
  o.block_bytes = 4096;
  CorpusBlocks blocks(vocab, memory_corpus(text), o, nullptr);
  std::uint64_t expected_index = 0, ids = 0;
  int epoch_ends = 0;
  while (!blocks.done()) {
    const std::shared_ptr<Block> block = blocks.next();
    if (!block) {
      ++epoch_ends;
      continue;
    }
    EXPECT_EQ(block->index, expected_index++);
    EXPECT_EQ(block->sentence_ends.size(), block->sentence_words.size());
    ids += block->ids.size();
  }
  EXPECT_EQ(epoch_ends, 2);
  EXPECT_GT(expected_index, 2u * text.size() / 4096 - 2);
  EXPECT_EQ(blocks.words_read(), 2 * vocab.total_count());
  EXPECT_EQ(ids + 2 * 3000, 2 * vocab.total_count());  // ids exclude the "</s>" of each line
}

// A run resumed from a recorded position reads the same blocks as the uninterrupted one; a
// corpus that changed under the checkpoint, or one without a known word, is a DataError.
TEST(W2vCorpusBlocks, ResumesWhereItStopped) {
  const std::string text = lines(3000);
  const text::Vocabulary vocab = vocabulary_of(text);
  TrainerOptions o;
  o.epochs = 2;
  o.block_bytes = 4096;
  CorpusBlocks first(vocab, memory_corpus(text), o, nullptr);
  for (int i = 0; i < 5; ++i) ASSERT_NE(first.next(), nullptr);
  TrainPosition position;
  first.record(position);
  EXPECT_EQ(position.chunks, 5u);
  EXPECT_EQ(position.block_index, 5u);
  CorpusBlocks resumed(vocab, memory_corpus(text), o, &position);
  const std::shared_ptr<Block> a = first.next(), b = resumed.next();
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->index, b->index);
  EXPECT_EQ(a->words_before, b->words_before);
  EXPECT_EQ(a->ids, b->ids);

  const std::string other = "a different corpus\n" + text;
  CorpusBlocks changed(vocab, memory_corpus(other), o, &position);
  EXPECT_THROW(changed.next(), DataError);
  const std::string unknown = "zebra quagga okapi\n";
  CorpusBlocks empty(vocab, memory_corpus(unknown), o, nullptr);
  EXPECT_THROW(while (!empty.done()) empty.next(), DataError);
}

// A run stopped again before it read a block (a signal during start-up) records the position it
// resumed from, not the start of the epoch: otherwise the next resume trains those chunks twice.
TEST(W2vCorpusBlocks, StoppedBeforeItsFirstBlockRecordsThePositionResumedFrom) {
  const std::string text = lines(3000);
  const text::Vocabulary vocab = vocabulary_of(text);
  TrainerOptions o;
  o.epochs = 2;
  o.block_bytes = 4096;
  CorpusBlocks first(vocab, memory_corpus(text), o, nullptr);
  for (int i = 0; i < 5; ++i) ASSERT_NE(first.next(), nullptr);
  TrainPosition position;
  first.record(position);
  CorpusBlocks idle(vocab, memory_corpus(text), o, &position);
  TrainPosition again;
  idle.record(again);
  EXPECT_EQ(again.epoch, position.epoch);
  EXPECT_EQ(again.chunks, position.chunks);
  EXPECT_EQ(again.bytes, position.bytes);
  EXPECT_EQ(again.epoch_words, position.epoch_words);
  EXPECT_EQ(again.words_read, position.words_read);
  EXPECT_EQ(again.block_index, position.block_index);
  CorpusBlocks resumed(vocab, memory_corpus(text), o, &again);
  const std::shared_ptr<Block> a = first.next(), b = resumed.next();
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->index, b->index);
  EXPECT_EQ(a->ids, b->ids);
}

}  // namespace
}  // namespace slide::w2v
