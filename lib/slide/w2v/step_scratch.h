#pragma once

// What one worker thread needs while it trains blocks: buffers reused from block to block so
// that no training step allocates. The output layers size the parts they use (prepare()).

#include <cstdint>
#include <memory>
#include <vector>

#include "slide/lsh/lsh_tables.h"
#include "slide/lsh/query_scratch.h"

namespace slide::w2v {

struct StepScratch {
  std::vector<float> neu1, neu1e;  // the hidden vector (CBOW) and its gradient
  std::vector<std::uint32_t> sentence;
  std::vector<std::uint32_t> targets;  // negative sampling: the target and its negatives
  std::vector<float> logits;           // the softmax losses
  std::vector<std::uint32_t> active;   // --loss lsh: the active output rows of a step
  std::uint32_t forced[1] = {0};
  lsh::QueryScratch query;
  // --loss lsh: the tables of the current block, held so that a rebuild during the block does
  // not free them under it.
  std::shared_ptr<const lsh::LshTables> tables;
  // Sum of every score (dot product) of the block: not finite once any weight it read is not,
  // which is how divergence is caught within a block at the cost of one add per score.
  double check_sum = 0;
};

}  // namespace slide::w2v
