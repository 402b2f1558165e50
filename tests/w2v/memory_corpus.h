#pragma once

// A corpus held in memory, for the trainer's tests: each epoch reads `text` from its start.
// `text` must outlive the opener and every source it makes.

#include <algorithm>
#include <cstddef>
#include <memory>
#include <string>

#include "slide/text/byte_source.h"
#include "slide/w2v/corpus_blocks.h"

namespace slide::w2v {

inline text::ByteSource memory_source(const std::string& text) {
  auto pos = std::make_shared<std::size_t>(0);
  text::ByteSource source;
  source.name = "<memory>";
  source.read = [&text, pos](char* buf, std::size_t n) {
    const std::size_t k = std::min(n, text.size() - *pos);
    std::copy_n(text.data() + *pos, k, buf);
    *pos += k;
    return k;
  };
  return source;
}

inline CorpusOpener memory_corpus(const std::string& text) {
  return [&text](std::size_t) { return memory_source(text); };
}

}  // namespace slide::w2v
