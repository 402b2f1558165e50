#pragma once

// A slide-w2v training checkpoint: everything a stopped run needs to continue exactly where it
// stopped (the options it trained with, the vocabulary, the position in the stream of epochs,
// and the weights), in the slide model container (slide/model/model_file.h) as kind
// model::kKindWord2Vec. Written to a temporary file and renamed into place by model::ModelWriter,
// so a checkpoint on disk is always complete: an earlier one survives a crash during the write.
//
// CONFIG keys (unsigned integers as decimal text, doubles as their shortest exact text):
//   w2v.model (skipgram|cbow), w2v.loss (ns|hs|hs+ns|softmax|lsh), w2v.dim, w2v.window,
//   w2v.sample, w2v.negative, w2v.epochs, w2v.alpha, w2v.seed, w2v.max_sentence_length,
//   w2v.block_bytes, w2v.lsh_tables, w2v.lsh_bits, w2v.lsh_active, w2v.lsh_rebuild_words,
//   w2v.lsh_negatives, w2v.lsh_correction (true|false): the TrainerOptions;
//   train.epoch, train.chunks, train.bytes, train.epoch_words, train.words_read,
//   train.block_index, train.trained, train.lsh_last_rebuild, train.lsh_rebuild_generation: the
//   TrainPosition.
// Sections:
//   "VOCB"  the words in vocabulary order ("</s>" first), each followed by '\n'
//   "VCNT"  their counts, uint64 [vocabulary size]
//   "WIN "  the input vectors, float32 [vocabulary size x dim], rows without padding
//   "WOUT"  the output layer, float32 [rows x dim]: the Huffman tree's inner nodes
//           (vocabulary size - 1) with hs and hs+ns, else one row per word
//   "WNEG"  hs+ns only: the negative-sampling layer, float32 [vocabulary size x dim]
// The random state needs no section: every random stream is a function of (w2v.seed, block
// index), so the position restores it.
//
// Checkpoints of slide-w2v before this format (a file starting "SLIDE-W2V-CHECKPOINT 1") are
// refused with a FormatError saying so.

#include <string>

#include "slide/text/vocabulary.h"
#include "slide/w2v/options.h"
#include "slide/w2v/train_state.h"

namespace slide::w2v {

struct Checkpoint {
  TrainerOptions options;
  text::Vocabulary vocabulary;
  TrainState state;
};

// Throws OutputCreateError / IoError; never leaves a partial file at path.
void save_checkpoint(const Checkpoint& checkpoint, const std::string& path);

// Throws InputOpenError, FormatError naming the file (not a checkpoint, an older format, a bad
// checksum, sizes that disagree), IoError.
Checkpoint load_checkpoint(const std::string& path);

}  // namespace slide::w2v
