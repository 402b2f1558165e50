#pragma once

// Forward and backward pass of one training example over the active set: the engine's hot path.
// The Trainer runs it in parallel over the examples of a batch; tests call it directly to check
// gradients.

#include <cstdint>
#include <span>

#include "slide/core/csr_matrix.h"
#include "slide/core/random.h"
#include "slide/nn/loss.h"
#include "slide/nn/network.h"
#include "slide/nn/neuron_selector.h"
#include "slide/nn/workspace.h"

namespace slide::nn {

enum class Precision {
  // Everything float32.
  f32,
  // The last hidden activation is rounded to bfloat16 before the output layer (forward and the
  // output weight gradient use the rounded value); weights stay float32. With the current kernel
  // table there is no mixed bf16 x f32 dot, so this mode models the accuracy of SLIDE 2021's
  // "BF16 activations" but brings no speed-up by itself.
  bf16_activations,
  // Output-layer forward products in bfloat16: a bf16 copy of the output rows (refreshed after
  // every update of a row) times the bf16 activation, accumulated in float32. Float32 master
  // weights receive the updates, and the backward pass uses them. Halves the bytes read per
  // active neuron in the forward pass.
  bf16_weights,
};

// Flags of touched rows for one parameter matrix: set at most once per batch per row, with an
// atomic exchange, so exactly one thread records the row in its Workspace list.
struct TouchedRows {
  std::uint8_t* flags = nullptr;  // one per row; null = do not track
};

// Where the gradient of an example goes.
struct GradientSink {
  // Adam: gradients are added here (HOGWILD: concurrent examples add to shared rows without
  // locks; a lost float update under a race is accepted, as in SLIDE and word2vec). Null: SGD.
  ParameterBuffers* gradients = nullptr;
  // Adam only, optional: defer the output layer's weight and bias gradients. Instead of adding
  // dL/dlogit_j * h to the gradient row of every active neuron j (a random 512-byte
  // read-modify-write per neuron at hidden 128, the largest memory stream of training), the
  // example copies its last hidden activation h to batch_hidden + Workspace::batch_slot *
  // batch_hidden_stride and appends (j, dL/dlogit_j) to Workspace::output_log; the optimizer
  // sums the entries of each touched row (OutputGradientLog, optimizer.h). The output rows of
  // `gradients` are then left untouched.
  float* batch_hidden = nullptr;
  std::size_t batch_hidden_stride = 0;
  // Adam with the softmax loss: compute the output forward and the softmax part of dL/dh in one
  // pass over the active rows (each row read once). Off: two passes (for comparisons).
  bool fuse_softmax = true;
  // SGD: the step size; w -= learning_rate * g is applied at once, without a gradient buffer.
  float learning_rate = 0.0f;
  TouchedRows input_rows;   // rows of the input layer (features)
  TouchedRows output_rows;  // rows of the output layer (neurons)
  // The network's sparse linear path, when it has one: AdaGrad's rate for its weights, and how
  // many of the neurons the path scores highest join each active set (beside the selector's).
  float linear_rate = kDefaultLinearRate;
  std::uint32_t linear_shortlist = 0;
};

struct ExampleResult {
  float loss = 0.0f;
  std::size_t active = 0;     // size of the active set
  std::size_t positives = 0;  // labels kept (distinct)
};

// The names of the functions that update shared rows without locks (HOGWILD, intentionally
// racy; a ThreadSanitizer build suppresses exactly these): every one starts with `hogwild_`
// and lives in propagation.cc.

// Runs one example: hidden layers, active-set selection (labels forced), logits, loss, and the
// backward pass restricted to the active neurons and the present features. `labels` may be
// empty (then the softmax loss skips the example). Input ids must be < input_dim.
ExampleResult train_example(Network& network, SparseRow input,
                            std::span<const std::uint32_t> labels, const NeuronSelector& selector,
                            LossKind loss, Precision precision, Rng& rng, Workspace& workspace,
                            const GradientSink& sink);

}  // namespace slide::nn
