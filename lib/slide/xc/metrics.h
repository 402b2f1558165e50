#pragma once

// Ranking metrics of extreme classification, as napkinXC and pyxclib compute them. For a point with
// true label set y and predicted ranking pi (best first), with hit(r) = [pi(r) in y]:
//
//   P@k      = (1/k) sum_{r<=k} hit(r)                  always divided by k, even when fewer than k
//                                                       labels were predicted
//   R@k      = sum_{r<=k} hit(r) / |y|                  0 when |y| = 0 (pyxclib)
//   nDCG@k   = DCG@k / IDCG@k, DCG@k = sum_{r<=k} hit(r) / log2(r+1),
//              IDCG@k = sum_{r<=min(k,|y|)} 1/log2(r+1) 0 when |y| = 0
//
// P@k, R@k and nDCG@k are averaged over all points. The propensity-scored ones weight a hit on
// label l by its inverse propensity q_l (slide/xc/propensity.h) and are normalised by the best
// achievable value, exactly as pyxclib (`psprecision`, `psndcg`) and napkinXC (normalize=True):
//
//   PSP@k    = sum_points sum_{r<=k} hit(r) q_pi(r)  /  sum_points sum_{r<=min(k,|y|)} q*_r
//   PSnDCG@k = sum_points PSDCG@k / IDCG@k           /  sum_points (sum_{r<=min(k,|y|)} q*_r /
//   log2(r+1)) / IDCG@k
//
// where q*_1 >= q*_2 >= ... are the q of the point's true labels sorted in decreasing order, and
// PSDCG@k = sum_{r<=k} hit(r) q_pi(r) / log2(r+1). A ratio whose denominator is 0 (no point has a
// true label) is 0. A label predicted twice in one ranking counts once (at its first rank).

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "slide/xc/propensity.h"

namespace slide::xc {

enum class MetricKind { kPrecision, kRecall, kNdcg, kPsPrecision, kPsNdcg };

struct MetricSpec {
  MetricKind kind = MetricKind::kPrecision;
  std::uint32_t k = 1;

  // "P@1", "R@5", "nDCG@3", "PSP@5", "PSnDCG@5".
  std::string name() const;
  bool propensity_scored() const {
    return kind == MetricKind::kPsPrecision || kind == MetricKind::kPsNdcg;
  }
  friend bool operator==(const MetricSpec&, const MetricSpec&) = default;
};

// The largest k a metric list may ask for.
inline constexpr std::uint32_t kMaxMetricK = 1000;

// Parses "p@1,p@3,p@5,ndcg@5,psp@5": comma-separated name@k, names p (precision), r (recall),
// ndcg, psp, psndcg, case-insensitive, blanks around items ignored, 1 <= k <= kMaxMetricK.
// UsageError for an unknown name, a bad or missing k, an empty item or a metric listed twice.
std::vector<MetricSpec> parse_metric_list(std::string_view list);

// P@1..5 and nDCG@1..5, then PSP@1..5 and PSnDCG@1..5 when with_propensity (pyxclib's report).
std::vector<MetricSpec> default_metric_list(bool with_propensity);

// The largest k in a list (0 for an empty list).
std::uint32_t max_k(std::span<const MetricSpec> metrics);

// Sums over points for k = 1..max_k. One accumulator per thread (add() is not thread-safe), then
// merge(); the counts of hits are exact integers, so P@k does not depend on the merge order, while
// the floating sums can differ in the last bits unless the merge order is fixed (e.g.
// tbb::parallel_deterministic_reduce).
class MetricsAccumulator {
 public:
  // `propensity` may be null (then the PS metrics are unavailable); it must outlive the
  // accumulator.
  explicit MetricsAccumulator(std::uint32_t max_k = 5, const Propensity* propensity = nullptr);

  // One point: its true labels (any order, no repeats) and its predicted labels best first (any
  // length; only the first max_k matter).
  void add(std::span<const std::uint32_t> true_labels, std::span<const std::uint32_t> ranked);

  // Adds another accumulator's sums (same max_k and propensity, else UsageError).
  void merge(const MetricsAccumulator& other);

  std::uint64_t points() const { return points_; }
  std::uint32_t max_k() const { return max_k_; }
  bool has_propensity() const { return propensity_ != nullptr; }

  // The metric over the points added so far (0 with no points). UsageError if spec.k > max_k()
  // or a PS metric is asked without propensities.
  double value(const MetricSpec& spec) const;

 private:
  std::uint32_t max_k_;
  const Propensity* propensity_;
  std::uint64_t points_ = 0;
  // Index k-1 holds the sum for @k.
  std::vector<std::uint64_t> hits_;
  std::vector<double> recall_;
  std::vector<double> ndcg_;
  std::vector<double> psp_;
  std::vector<double> psp_best_;
  std::vector<double> psndcg_;
  std::vector<double> psndcg_best_;
  // Per-point scratch (reused, no allocation per point once grown).
  std::vector<std::uint32_t> sorted_truth_;
  std::vector<std::uint32_t> seen_;
  std::vector<double> true_q_;
  std::vector<double> gain_;  // gain_[r] = 1 / log2(r + 2)
};

}  // namespace slide::xc
