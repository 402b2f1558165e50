#pragma once

// Which features each label's linear path reads (slide/nn/linear_path.h): the features whose
// mean value over the label's training rows most exceeds their mean over all rows (the label's
// centroid with the background taken out), that excess weighted by the feature's inverse
// document frequency log(rows / rows with it). A label seen in no training row reads nothing.

#include <cstdint>

#include "slide/nn/linear_path.h"
#include "slide/xc/dataset.h"

namespace slide::xc {

// The Euclidean norm of each label's starting weights unless told otherwise.
inline constexpr float kDefaultLinearInit = 10.0f;

struct LabelSupportOptions {
  // Start weights: the chosen features' weighted excesses, scaled so that each label's weights have
  // this Euclidean norm (0: every weight starts at zero).
  float initial_norm = kDefaultLinearInit;
  int threads = 0;  // 0: every hardware thread
};

// Fills path.features() (and the starting weights) from `train` and rebuilds the path's index.
// The path's dimensions must cover the data's.
void choose_label_support(const Dataset& train, nn::LinearPath& path,
                          const LabelSupportOptions& options);

}  // namespace slide::xc
