#pragma once

// What a training run holds at its peak, by part, from its resolved configuration and the shape
// of its data: checked against a limit and the available memory before anything big is
// allocated. Measured against the peak RSS in docs/RELIABILITY.md.

#include <cstdint>
#include <optional>
#include <string>

#include "slide/xc/data_files.h"
#include "slide/xc/train_config.h"

namespace slide::xc {

// Bytes.
struct MemoryEstimate {
  double network = 0;    // weights (rows padded to 16 floats), bf16 copy, the averaged weights
  double optimizer = 0;  // Adam: gradients and two moments, row flags
  double tables = 0;     // LSH tables, and the key arrays a rehash builds next to them
  double data = 0;       // the training data
  double working = 0;    // per-thread scratch, input dropout's copy of the data, and the process
                         // itself (code, libraries, buffers)

  // Training holds everything at once; before it, while the data is read, the arrays of the
  // reader grow by doubling and hold up to twice the data (and the network is not allocated).
  double total() const;
  // "about 1.23 GiB (network ..., optimizer state ..., hash tables ..., data ..., working memory
  // ...)".
  std::string text() const;
};

MemoryEstimate estimate_memory(const TrainConfig& config, const DataShape& shape);

// ResourceError, with the estimate by part, when it exceeds max_memory or the memory available
// (slide/core/system_memory.h).
void check_memory(const MemoryEstimate& estimate, std::optional<std::uint64_t> max_memory);

}  // namespace slide::xc
