#pragma once

// Which features each label's linear path reads (slide/nn/linear_path.h): the features whose
// mean value over the label's training rows most exceeds their mean over all rows (the label's
// centroid with the background taken out). A label seen in no training row reads nothing.

#include <cstdint>

#include "slide/nn/linear_path.h"
#include "slide/xc/dataset.h"

namespace slide::xc {

// The start the trainer gives every label's path weights (their Euclidean norm).
inline constexpr float kLinearInitialNorm = 1.0f;

struct LabelSupportOptions {
  // Start weights: the chosen features' excess means, scaled so that each label's weights have
  // this Euclidean norm (0: every weight starts at zero).
  float initial_norm = 1.0f;
  int threads = 0;  // 0: every hardware thread
};

// Fills path.features() (and the starting weights) from `train` and rebuilds the path's index.
// The path's dimensions must cover the data's.
void choose_label_support(const Dataset& train, nn::LinearPath& path,
                          const LabelSupportOptions& options);

}  // namespace slide::xc
