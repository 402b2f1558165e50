#pragma once

// A slide-w2v training checkpoint: everything a stopped run needs to continue exactly where it
// stopped (the options it trained with, the vocabulary, the position in the stream of epochs,
// both weight matrices, or all three with hs+ns). Random streams are seeded by (seed, block
// index), so the position is the whole random state.
//
// File layout (little-endian): "SLIDE-W2V-CHECKPOINT 1\n", the options, the vocabulary (word
// length, bytes, count), the position, the matrices (dim floats per row), then the CRC-32C of
// every byte before it. Written to a temporary file and renamed into place (io::open_output), so
// a checkpoint on disk is always complete: an earlier one survives a crash during the write.

#include <string>

#include "slide/text/vocabulary.h"
#include "slide/w2v/trainer.h"

namespace slide::w2v {

struct Checkpoint {
  TrainerOptions options;
  text::Vocabulary vocabulary;
  TrainState state;
};

// Throws OutputCreateError / IoError; never leaves a partial file at path.
void save_checkpoint(const Checkpoint& checkpoint, const std::string& path);

// Throws InputOpenError, FormatError (not a checkpoint, another version, a bad checksum or
// sizes that disagree), IoError.
Checkpoint load_checkpoint(const std::string& path);

// UsageError naming the first training option given now that differs from the checkpoint's
// (the ones that change the model or the stream; threads may differ).
void check_resume_options(const TrainerOptions& checkpoint, const TrainerOptions& now);

}  // namespace slide::w2v
