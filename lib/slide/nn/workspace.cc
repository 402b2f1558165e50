#include "slide/nn/workspace.h"

#include <algorithm>

namespace slide::nn {

Workspace::Workspace(const Network& network, const NeuronSelector& selector)
    : hidden_bf16(padded_stride<simd::bf16>(network.hidden_dim())),
      softmax_acc(padded_stride<float>(network.hidden_dim())),
      chunk_exp(kFusedChunk),
      selector_scratch(selector.make_scratch()) {
  if (network.has_linear_path())
    linear = std::make_unique<LinearPathScratch>(network.linear_path());
  for (std::uint32_t h : network.config().hidden_dims) {
    z.emplace_back(padded_stride<float>(h));
    a.emplace_back(padded_stride<float>(h));
    delta.emplace_back(padded_stride<float>(h));
  }
  // Room for the selector's choices plus a generous number of labels; larger label sets grow
  // the vectors once and they keep their size.
  const std::size_t capacity =
      std::min<std::size_t>(selector.max_selected() + 64, network.output_dim());
  active.reserve(capacity);
  logits.reserve(capacity);
  grad.reserve(capacity);
}

}  // namespace slide::nn
