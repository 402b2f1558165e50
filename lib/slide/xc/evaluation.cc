#include "slide/xc/evaluation.h"

#include <oneapi/tbb/blocked_range.h>
#include <oneapi/tbb/parallel_reduce.h>

#include <vector>

#include "slide/core/error.h"

namespace slide::xc {
namespace {

constexpr std::uint64_t kRowsPerBlock = 4096;

}  // namespace

MetricsAccumulator evaluate_predictions(const Dataset& truth, const PredictionSet& predictions,
                                        const std::string& predictions_name, std::uint32_t max_k,
                                        const Propensity* propensity) {
  if (predictions.rows() != truth.rows())
    throw DataError(predictions_name, 0,
                    "one row per test point (" + std::to_string(truth.rows()) + "), got " +
                        std::to_string(predictions.rows()) + " rows");
  return oneapi::tbb::parallel_deterministic_reduce(
      oneapi::tbb::blocked_range<std::uint64_t>(0, truth.rows(), kRowsPerBlock),
      MetricsAccumulator(max_k, propensity),
      [&](const oneapi::tbb::blocked_range<std::uint64_t>& rows, MetricsAccumulator acc) {
        for (std::uint64_t r = rows.begin(); r != rows.end(); ++r)
          acc.add(truth.labels(r), predictions.row_labels(r));
        return acc;
      },
      [](MetricsAccumulator a, const MetricsAccumulator& b) {
        a.merge(b);
        return a;
      });
}

void accumulate(MetricsAccumulator& accumulator, const Dataset& truth, const nn::TopK& top) {
  std::vector<std::uint32_t> ranked;
  for (std::size_t i = 0; i < top.rows; ++i) {
    ranked.clear();
    for (std::uint32_t id : top.row_ids(i)) {
      if (id != nn::kNoLabel) ranked.push_back(id);
    }
    accumulator.add(truth.labels(i), ranked);
  }
}

}  // namespace slide::xc
