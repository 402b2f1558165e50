#include "slide/xc/metrics.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <functional>

#include "slide/core/error.h"

namespace slide::xc {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

const char* kKnownNames = "p, r, ndcg, psp or psndcg";

}  // namespace

std::string MetricSpec::name() const {
  const char* prefix = "P";
  switch (kind) {
    case MetricKind::kPrecision:
      prefix = "P";
      break;
    case MetricKind::kRecall:
      prefix = "R";
      break;
    case MetricKind::kNdcg:
      prefix = "nDCG";
      break;
    case MetricKind::kPsPrecision:
      prefix = "PSP";
      break;
    case MetricKind::kPsNdcg:
      prefix = "PSnDCG";
      break;
  }
  return std::string(prefix) + "@" + std::to_string(k);
}

std::vector<MetricSpec> parse_metric_list(std::string_view list) {
  std::vector<MetricSpec> out;
  std::size_t start = 0;
  for (;;) {
    const std::size_t comma = list.find(',', start);
    const std::string_view raw =
        list.substr(start, comma == std::string_view::npos ? list.npos : comma - start);
    const std::string_view item = trim(raw);
    if (item.empty())
      throw UsageError("metric list '" + std::string(list) +
                       "': empty item (expected name@k, e.g. p@5)");
    const std::size_t at = item.find('@');
    if (at == std::string_view::npos)
      throw UsageError("metric '" + std::string(item) + "': expected name@k, e.g. p@5");
    const std::string name = lower(trim(item.substr(0, at)));
    const std::string_view k_text = trim(item.substr(at + 1));
    MetricSpec spec;
    if (name == "p")
      spec.kind = MetricKind::kPrecision;
    else if (name == "r")
      spec.kind = MetricKind::kRecall;
    else if (name == "ndcg")
      spec.kind = MetricKind::kNdcg;
    else if (name == "psp")
      spec.kind = MetricKind::kPsPrecision;
    else if (name == "psndcg")
      spec.kind = MetricKind::kPsNdcg;
    else
      throw UsageError("metric '" + std::string(item) + "': unknown name '" + name +
                       "' (expected " + kKnownNames + ")");
    std::uint64_t k = 0;
    const char* k_end = k_text.data() + k_text.size();
    auto [next, ec] = std::from_chars(k_text.data(), k_end, k);
    if (k_text.empty() || ec != std::errc() || next != k_end || k < 1 || k > kMaxMetricK)
      throw UsageError("metric '" + std::string(item) + "': k must be an integer from 1 to " +
                       std::to_string(kMaxMetricK));
    spec.k = static_cast<std::uint32_t>(k);
    if (std::find(out.begin(), out.end(), spec) != out.end())
      throw UsageError("metric list '" + std::string(list) + "': " + spec.name() +
                       " is listed twice");
    out.push_back(spec);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

std::vector<MetricSpec> default_metric_list(bool with_propensity) {
  std::vector<MetricSpec> out;
  std::vector<MetricKind> kinds{MetricKind::kPrecision, MetricKind::kNdcg};
  if (with_propensity) {
    kinds.push_back(MetricKind::kPsPrecision);
    kinds.push_back(MetricKind::kPsNdcg);
  }
  for (MetricKind kind : kinds)
    for (std::uint32_t k = 1; k <= 5; ++k) out.push_back({kind, k});
  return out;
}

std::uint32_t max_k(std::span<const MetricSpec> metrics) {
  std::uint32_t k = 0;
  for (const MetricSpec& m : metrics) k = std::max(k, m.k);
  return k;
}

MetricsAccumulator::MetricsAccumulator(std::uint32_t max_k, const Propensity* propensity)
    : max_k_(max_k), propensity_(propensity) {
  if (max_k < 1 || max_k > kMaxMetricK)
    throw UsageError("metrics: k must be from 1 to " + std::to_string(kMaxMetricK));
  hits_.assign(max_k, 0);
  recall_.assign(max_k, 0.0);
  ndcg_.assign(max_k, 0.0);
  psp_.assign(max_k, 0.0);
  psp_best_.assign(max_k, 0.0);
  psndcg_.assign(max_k, 0.0);
  psndcg_best_.assign(max_k, 0.0);
  gain_.resize(max_k);
  for (std::uint32_t r = 0; r < max_k; ++r)
    gain_[r] = 1.0 / std::log2(static_cast<double>(r) + 2.0);
}

void MetricsAccumulator::add(std::span<const std::uint32_t> true_labels,
                             std::span<const std::uint32_t> ranked) {
  ++points_;
  std::span<const std::uint32_t> truth = true_labels;
  if (!std::is_sorted(truth.begin(), truth.end())) {
    sorted_truth_.assign(truth.begin(), truth.end());
    std::sort(sorted_truth_.begin(), sorted_truth_.end());
    truth = sorted_truth_;
  }
  const std::size_t positives = truth.size();
  if (positives == 0) return;  // every sum gets 0 (P@k included: nothing can be a hit)

  const std::size_t best_count = std::min<std::size_t>(positives, max_k_);
  if (propensity_ != nullptr) {
    true_q_.clear();
    for (std::uint32_t l : truth) true_q_.push_back(propensity_->inverse(l));
    std::partial_sort(true_q_.begin(), true_q_.begin() + static_cast<std::ptrdiff_t>(best_count),
                      true_q_.end(), std::greater<>());
  }

  seen_.clear();
  std::uint64_t hits = 0;
  double dcg = 0, idcg = 0, ps = 0, psdcg = 0, best_ps = 0, best_psdcg = 0;
  const double inv_positives = 1.0 / static_cast<double>(positives);
  for (std::uint32_t r = 0; r < max_k_; ++r) {
    if (r < ranked.size()) {
      const std::uint32_t label = ranked[r];
      if (std::binary_search(truth.begin(), truth.end(), label) &&
          std::find(seen_.begin(), seen_.end(), label) == seen_.end()) {
        seen_.push_back(label);
        ++hits;
        dcg += gain_[r];
        if (propensity_ != nullptr) {
          const double q = propensity_->inverse(label);
          ps += q;
          psdcg += q * gain_[r];
        }
      }
    }
    if (r < best_count) {
      idcg += gain_[r];
      if (propensity_ != nullptr) {
        best_ps += true_q_[r];
        best_psdcg += true_q_[r] * gain_[r];
      }
    }
    hits_[r] += hits;
    recall_[r] += static_cast<double>(hits) * inv_positives;
    ndcg_[r] += dcg / idcg;
    if (propensity_ != nullptr) {
      psp_[r] += ps;
      psp_best_[r] += best_ps;
      psndcg_[r] += psdcg / idcg;
      psndcg_best_[r] += best_psdcg / idcg;
    }
  }
}

void MetricsAccumulator::merge(const MetricsAccumulator& other) {
  if (other.max_k_ != max_k_ || other.propensity_ != propensity_)
    throw UsageError("metrics: merging accumulators with different k or propensities");
  points_ += other.points_;
  for (std::uint32_t r = 0; r < max_k_; ++r) {
    hits_[r] += other.hits_[r];
    recall_[r] += other.recall_[r];
    ndcg_[r] += other.ndcg_[r];
    psp_[r] += other.psp_[r];
    psp_best_[r] += other.psp_best_[r];
    psndcg_[r] += other.psndcg_[r];
    psndcg_best_[r] += other.psndcg_best_[r];
  }
}

double MetricsAccumulator::value(const MetricSpec& spec) const {
  if (spec.k < 1 || spec.k > max_k_)
    throw UsageError("metrics: " + spec.name() +
                     " asked of an accumulator up to k = " + std::to_string(max_k_));
  if (spec.propensity_scored() && propensity_ == nullptr)
    throw UsageError("metrics: " + spec.name() +
                     " needs label propensities (training label counts)");
  const std::uint32_t i = spec.k - 1;
  const double n = static_cast<double>(points_);
  auto ratio = [](double num, double den) { return den > 0 ? num / den : 0.0; };
  switch (spec.kind) {
    case MetricKind::kPrecision:
      return ratio(static_cast<double>(hits_[i]), n * spec.k);
    case MetricKind::kRecall:
      return ratio(recall_[i], n);
    case MetricKind::kNdcg:
      return ratio(ndcg_[i], n);
    case MetricKind::kPsPrecision:
      return ratio(psp_[i], psp_best_[i]);
    case MetricKind::kPsNdcg:
      return ratio(psndcg_[i], psndcg_best_[i]);
  }
  return 0.0;
}

}  // namespace slide::xc
