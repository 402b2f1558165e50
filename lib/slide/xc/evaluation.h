#pragma once

// Scores a prediction file against the true labels of a data set (the `test` of a prediction
// file), in parallel with a result that does not depend on the number of threads.

#include <cstdint>
#include <string>

#include "slide/xc/dataset.h"
#include "slide/xc/metrics.h"
#include "slide/xc/predictions_io.h"
#include "slide/xc/propensity.h"

namespace slide::xc {

// Adds every row of `predictions` against the same row of `truth` to an accumulator up to
// max_k. The rows are cut into fixed blocks reduced in a fixed order
// (tbb::parallel_deterministic_reduce), so the sums are the same for any thread count.
// DataError naming `predictions_name` if the row counts differ.
MetricsAccumulator evaluate_predictions(const Dataset& truth, const PredictionSet& predictions,
                                        const std::string& predictions_name, std::uint32_t max_k,
                                        const Propensity* propensity = nullptr);

}  // namespace slide::xc
