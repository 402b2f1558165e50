#include "slide/nn/neuron_selector.h"

#include <string>

#include "slide/core/error.h"

namespace slide::nn {

SelectorScratch::SelectorScratch(std::uint32_t output_dim) : stamp_(output_dim) {
  clear();
}

void SelectorScratch::clear() {
  // Stamps start at 0 and generation at 1 after the first clear; on wrap-around every stamp is
  // reset so that an old stamp can never equal the new generation.
  if (++generation_ == 0) {
    stamp_.fill_zero();
    generation_ = 1;
  }
}

std::size_t NeuronSelector::select(std::span<const float> hidden,
                                   std::span<const std::uint32_t> forced, Rng& rng,
                                   SelectorScratch& scratch,
                                   std::vector<std::uint32_t>& out) const {
  scratch.clear();
  out.clear();
  for (std::uint32_t id : forced) {
    if (id >= output_dim_) {
      throw UsageError("label " + std::to_string(id) + " is not below the " +
                       std::to_string(output_dim_) + " output neurons");
    }
    if (scratch.mark(id)) out.push_back(id);
  }
  const std::size_t kept = out.size();
  select_more(hidden, rng, scratch, out);
  return kept;
}

void ExactSelector::select_more(std::span<const float>, Rng&, SelectorScratch& scratch,
                                std::vector<std::uint32_t>& out) const {
  const std::uint32_t n = output_dim();
  for (std::uint32_t id = 0; id < n; ++id) {
    if (!scratch.contains(id)) out.push_back(id);
  }
}

UniformSelector::UniformSelector(std::uint32_t output_dim, std::uint32_t budget)
    : NeuronSelector(output_dim), budget_(budget) {
  if (budget == 0) throw UsageError("uniform selector: the budget must be positive");
}

void UniformSelector::select_more(std::span<const float>, Rng& rng, SelectorScratch& scratch,
                                  std::vector<std::uint32_t>& out) const {
  const std::uint32_t n = output_dim();
  if (budget_ >= n) {
    for (std::uint32_t id = 0; id < n; ++id) {
      if (scratch.mark(id)) out.push_back(id);
    }
    return;
  }
  if (out.size() >= budget_) return;
  if (budget_ > n / 2) {
    // Dense budgets: a partial Fisher-Yates over the free ids avoids long rejection runs.
    std::vector<std::uint32_t> free_ids;
    free_ids.reserve(n);
    for (std::uint32_t id = 0; id < n; ++id) {
      if (!scratch.contains(id)) free_ids.push_back(id);
    }
    const std::size_t want = budget_ - out.size();
    for (std::size_t i = 0; i < want; ++i) {
      const std::size_t j = i + rng.uniform64(free_ids.size() - i);
      std::swap(free_ids[i], free_ids[j]);
      scratch.mark(free_ids[i]);
      out.push_back(free_ids[i]);
    }
    return;
  }
  while (out.size() < budget_) {
    const std::uint32_t id = rng.uniform(n);
    if (scratch.mark(id)) out.push_back(id);
  }
}

}  // namespace slide::nn
