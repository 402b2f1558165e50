#pragma once

// word2vec training (skip-gram and CBOW), structured like word2vec.c's TrainModelThread but
// streamed through a oneTBB parallel_pipeline: a serial, in-order stage reads the corpus in chunks
// and turns each into a block of sentences of word ids (CorpusBlocks); a parallel stage trains
// the blocks HOGWILD (lock-free updates of the shared matrices, as word2vec does).
//   - Learning rate: alpha * (1 - progress), at least alpha * 1e-4, where progress is the number of
//     known words ("</s>" included) before the current sentence, counted in corpus order over all
//     epochs, divided by epochs * vocabulary.total_count() + 1 (word2vec's formula, but counted by
//     position in the stream rather than by whichever thread got there first).
//   - Every random choice (subsampling, window shrinking, negatives) is drawn from a stream seeded
//     by (seed, block index), never by thread id, so with one thread a run is reproducible, and
//     the randomness of a block does not depend on which thread trains it.
//   - Output layers, one class each: negative sampling (negative_sampling.h), hierarchical
//     softmax (hierarchical_softmax.h), both at once (hs+ns), the exact softmax and an LSH-sampled
//     softmax (softmax.h). The sentence loop is a template instantiated per layer and chosen once
//     per block, so the inner loops pay no dispatch per word.
// The library never prints: progress goes to a callback, which may throw to stop the run.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

#include "slide/core/aligned_buffer.h"
#include "slide/text/vocabulary.h"
#include "slide/w2v/corpus_blocks.h"
#include "slide/w2v/options.h"
#include "slide/w2v/train_state.h"

namespace slide::w2v {

struct TrainProgress {
  std::uint64_t words_done = 0;   // known words read so far, all epochs
  std::uint64_t words_total = 0;  // epochs * vocabulary total
  std::size_t epoch = 0;          // 0-based epoch being read
  double alpha = 0;               // learning rate at the last block read
};
// Called from the reading stage after each block; may throw (e.g. InterruptedError) to stop.
using TrainProgressCallback = std::function<void(const TrainProgress&)>;

// The trained input vectors: row i (stride floats apart, the first dim used) belongs to word i of
// the vocabulary.
struct TrainedVectors {
  std::size_t dim = 0;
  std::size_t stride = 0;
  AlignedBuffer<float> input;
  const float* row(std::size_t i) const { return input.data() + i * stride; }
};

struct TrainStats {
  std::uint64_t words = 0;    // known words read ("</s>" included), all epochs
  std::uint64_t trained = 0;  // words kept after subsampling
  double seconds = 0;
};

struct TrainControl {
  // Polled by the reading stage before each block; true stops the run cleanly: the blocks in
  // flight are trained, none is read after them, and the state is returned.
  std::function<bool()> stop;
  // Stops the same way once this many words have been read (0: never). For tests.
  std::uint64_t stop_after_words = 0;
  // Continue from this state (its matrices are moved out). The vocabulary and options must be
  // the ones it was trained with.
  TrainState* resume = nullptr;
};

struct TrainOutcome {
  bool finished = false;
  TrainedVectors vectors;  // when finished
  TrainState state;        // when stopped
};

// Trains on the corpus. The vocabulary must have at least one word besides "</s>" with a count
// (UsageError otherwise), and the corpus must hold at least one known word (DataError naming the
// input otherwise). Errors of the corpus (DataError, IoError) propagate; no partial result.
TrainedVectors train_word_vectors(const text::Vocabulary& vocabulary, const CorpusOpener& open,
                                  const TrainerOptions& options,
                                  const TrainProgressCallback& progress = {},
                                  TrainStats* stats = nullptr);

// The same with a stop request and resumption (TrainControl). Without a stop, finishes.
TrainOutcome train_word_vectors_resumable(const text::Vocabulary& vocabulary,
                                          const CorpusOpener& open, const TrainerOptions& options,
                                          const TrainControl& control,
                                          const TrainProgressCallback& progress = {},
                                          TrainStats* stats = nullptr);

// The same from a path, re-opened for each epoch ("-" is stdin, readable once: UsageError when
// epochs > 1). Compressed input is detected.
TrainedVectors train_word_vectors_file(const text::Vocabulary& vocabulary, const std::string& path,
                                       const TrainerOptions& options,
                                       const TrainProgressCallback& progress = {},
                                       TrainStats* stats = nullptr);

}  // namespace slide::w2v
