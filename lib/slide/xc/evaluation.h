#pragma once

// Scores predictions against the true labels of a data set: a prediction file (the `test` of a
// prediction file), in parallel with a result that does not depend on the number of threads, or
// the top-k of a batch as a predictor returns it.

#include <cstdint>
#include <string>

#include "slide/nn/predictor.h"
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

// Adds row i of `top` against row i of `truth` for every row of `top` (its labels best first,
// the padding of rows with fewer than k candidates left out).
void accumulate(MetricsAccumulator& accumulator, const Dataset& truth, const nn::TopK& top);

}  // namespace slide::xc
