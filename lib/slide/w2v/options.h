#pragma once

// What a word2vec run is asked to do: the architecture, the output layer (the loss) and its
// hyperparameters. Everything here changes the trained vectors; the thread count does not belong
// here (with one thread a run is reproducible from these options and the corpus alone).

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace slide::w2v {

enum class Architecture { skipgram, cbow };
// hs_and_ns is word2vec's -hs 1 with -negative N > 0: both output layers, each with its own
// weights, trained on the same hidden vector (their gradients add up in the input update).
enum class OutputLoss { negative_sampling, hierarchical_softmax, hs_and_ns, softmax, lsh_softmax };

// "skipgram"/"sg", "cbow"; "ns", "hs", "hs+ns" (or "ns+hs"), "softmax", "lsh". UsageError on other
// names.
Architecture parse_architecture(std::string_view name);
OutputLoss parse_output_loss(std::string_view name);
const char* architecture_name(Architecture architecture);
const char* output_loss_name(OutputLoss loss);

// Whether the loss trains the Huffman tree's inner nodes / a negative-sampling layer.
inline bool uses_tree(OutputLoss loss) {
  return loss == OutputLoss::hierarchical_softmax || loss == OutputLoss::hs_and_ns;
}
inline bool uses_negative_sampling(OutputLoss loss) {
  return loss == OutputLoss::negative_sampling || loss == OutputLoss::hs_and_ns;
}

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

// UsageError naming the first training option given now that differs from `trained`'s (the
// ones that change the model or the stream; threads may differ): a resumed run must continue
// the run it resumes.
void check_resume_options(const TrainerOptions& trained, const TrainerOptions& now);

}  // namespace slide::w2v
