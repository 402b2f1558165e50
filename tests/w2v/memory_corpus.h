#pragma once

// A corpus held in memory, for the trainer's tests: each epoch reads `text` from its start.
// `text` must outlive the opener and every source it makes.

#include <string>

#include "slide/io/byte_source.h"
#include "slide/w2v/corpus_blocks.h"

namespace slide::w2v {

inline CorpusOpener memory_corpus(const std::string& text) {
  return [&text](std::size_t) { return io::memory_source(text, "<memory>"); };
}

}  // namespace slide::w2v
