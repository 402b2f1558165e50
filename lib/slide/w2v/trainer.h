#pragma once

// word2vec training (skip-gram and CBOW), structured like word2vec.c's TrainModelThread but
// streamed through a oneTBB parallel_pipeline: a serial, in-order stage reads the corpus in chunks
// (text::ChunkReader) and turns each into a block of sentences of word ids; a parallel stage trains
// the blocks HOGWILD (lock-free updates of the shared matrices, as word2vec does).
//   - Learning rate: alpha * (1 - progress), at least alpha * 1e-4, where progress is the number of
//     known words ("</s>" included) before the current sentence, counted in corpus order over all
//     epochs, divided by epochs * vocabulary.total_count() + 1 (word2vec's formula, but counted by
//     position in the stream rather than by whichever thread got there first).
//   - Every random choice (subsampling, window shrinking, negatives) is drawn from a stream seeded
//     by (seed, block index), never by thread id, so with one thread a run is reproducible, and
//     the randomness of a block does not depend on which thread trains it.
//   - Output layers: negative sampling (unigram^0.75, UnigramSampler), hierarchical softmax
//     (word2vec's Huffman tree), the exact softmax over the whole vocabulary (the slow reference)
//     and an LSH-sampled softmax (the active set of each step is the target word plus the output
//     rows that the LSH tables return for the hidden vector; tables rebuilt on a schedule).
// The library never prints: progress goes to a callback, which may throw to stop the run.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "slide/core/aligned_buffer.h"
#include "slide/text/byte_source.h"
#include "slide/text/vocabulary.h"

namespace slide::w2v {

enum class Architecture { skipgram, cbow };
// hs_and_ns is word2vec's -hs 1 with -negative N > 0: both output layers, each with its own
// weights, trained on the same hidden vector (their gradients add up in the input update).
enum class OutputLoss { negative_sampling, hierarchical_softmax, hs_and_ns, softmax, lsh_softmax };

// "skipgram"/"sg", "cbow"; "ns", "hs", "hs+ns" (or "ns+hs"), "softmax", "lsh". UsageError on other names.
Architecture parse_architecture(std::string_view name);
OutputLoss parse_output_loss(std::string_view name);
const char* architecture_name(Architecture architecture);
const char* output_loss_name(OutputLoss loss);

struct TrainerOptions {
  Architecture architecture = Architecture::cbow;  // word2vec's default (-cbow 1)
  OutputLoss loss = OutputLoss::negative_sampling;
  std::size_t dim = 100;
  std::size_t window = 5;
  double sample = 1e-3;
  std::size_t negative = 5;
  std::size_t epochs = 5;
  // 0: word2vec's default for the architecture (0.025 skip-gram, 0.05 CBOW), for every loss.
  double alpha = 0;
  std::uint64_t seed = 0;
  std::size_t max_sentence_length = 1000;
  // Bytes per pipeline block (the unit of parallel work and of seeding).
  std::size_t block_bytes = std::size_t{1} << 18;
  // Blocks in flight (0: 2 per worker thread).
  std::size_t blocks_in_flight = 0;
  // --loss lsh: hash tables over the output rows (SimHash), the number of rows each step takes
  // from them, and how many trained words pass between rebuilds of the tables.
  std::size_t lsh_tables = 16;
  std::size_t lsh_bits = 6;
  std::size_t lsh_active = 16;
  std::uint64_t lsh_rebuild_words = 200000;
  // --loss lsh: unigram^0.75 draws added to each active set, and whether their logits get the
  // sampled-softmax correction (minus log of their expected count). Measured on a 2.2M-word
  // corpus (docs/PERFORMANCE.md): 16 hashed rows + 5 uncorrected draws learn far more per epoch
  // than 128 hashed rows alone, at a third of the cost; the correction made it worse.
  std::size_t lsh_negatives = 5;
  bool lsh_correction = false;

  double effective_alpha() const {
    if (alpha > 0) return alpha;
    if (architecture == Architecture::cbow) return 0.05;
    // The softmax losses used 0.1 before; with 5 epochs, --loss lsh at 0.025 scored far better
    // (analogy 6.06 % against 1.79 %, docs/PERFORMANCE.md), so all skip-gram losses share it.
    return 0.025;
  }
};

// Checks ranges (dim, window, negative for ns, epochs, sample, alpha); throws UsageError.
void validate(const TrainerOptions& options);

struct TrainProgress {
  std::uint64_t words_done = 0;   // known words read so far, all epochs
  std::uint64_t words_total = 0;  // epochs * vocabulary total
  std::size_t epoch = 0;          // 0-based epoch being read
  double alpha = 0;               // learning rate at the last block read
};
// Called from the reading stage after each block; may throw (e.g. InterruptedError) to stop.
using TrainProgressCallback = std::function<void(const TrainProgress&)>;

// Opens the corpus for one epoch (0-based). Called once per epoch, in order.
using CorpusOpener = std::function<text::ByteSource(std::size_t epoch)>;

// The trained input vectors: row i (stride floats apart, the first dim used) belongs to word i of
// the vocabulary.
struct TrainedVectors {
  std::size_t dim = 0;
  std::size_t stride = 0;
  AlignedBuffer<float> input;
  const float* row(std::size_t i) const { return input.data() + i * stride; }
};

struct TrainStats {
  std::uint64_t words = 0;        // known words read ("</s>" included), all epochs
  std::uint64_t trained = 0;      // words kept after subsampling
  double seconds = 0;
};

// Where a stopped run stands in the stream of epochs: every block before it is trained.
struct TrainPosition {
  std::uint64_t epoch = 0;        // the epoch being read
  std::uint64_t chunks = 0;       // chunks of that epoch read (and trained)
  std::uint64_t bytes = 0;        // their bytes: checked on resume (the corpus must not change)
  std::uint64_t epoch_words = 0;  // words of the vocabulary in those chunks
  std::uint64_t words_read = 0;   // known words read, all epochs (sets the learning rate)
  std::uint64_t block_index = 0;  // the next block's index (seeds its random stream)
  std::uint64_t trained = 0;      // words trained after subsampling
  std::uint64_t last_rebuild = 0;         // --loss lsh: words_read at the last table rebuild
  std::uint64_t rebuild_generation = 0;   // --loss lsh: the block index that seeded it
};

// The weights of a run, rows of dim floats `stride` apart: the input vectors, the output layer
// (vocabulary - 1 inner nodes with hs or hs+ns, else one row per word) and with hs+ns the
// negative-sampling layer.
struct TrainState {
  TrainPosition position;
  std::size_t dim = 0;
  std::size_t stride = 0;
  std::size_t output_rows = 0;
  AlignedBuffer<float> syn0, syn1, syn1neg;
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

// Bytes a run will allocate, roughly (within ~10 %): the input and output matrices, the tables of
// the loss (Huffman codes, unigram sampler, LSH buckets), per-thread scratch and the blocks in
// flight. For refusing up front a run that cannot fit instead of failing half-way.
double estimate_training_memory(std::size_t vocabulary_size, const TrainerOptions& options,
                                std::size_t threads);

// The same with a stop request and resumption (TrainControl). Without a stop, finishes.
TrainOutcome train_word_vectors_resumable(const text::Vocabulary& vocabulary,
                                          const CorpusOpener& open, const TrainerOptions& options,
                                          const TrainControl& control,
                                          const TrainProgressCallback& progress = {},
                                          TrainStats* stats = nullptr);

// Opens a corpus path for each epoch ("-" is stdin; compressed input detected).
CorpusOpener corpus_file_opener(const std::string& path);

// The same from a path, re-opened for each epoch ("-" is stdin, readable once: UsageError when
// epochs > 1). Compressed input is detected.
TrainedVectors train_word_vectors_file(const text::Vocabulary& vocabulary, const std::string& path,
                                       const TrainerOptions& options,
                                       const TrainProgressCallback& progress = {},
                                       TrainStats* stats = nullptr);

}  // namespace slide::w2v
