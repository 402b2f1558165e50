#pragma once

// The training engine's public API in one include, for the applications:
//
//   Network     (network.h)     parameters of sparse input -> hidden layer(s) -> wide output
//   NeuronSelector and its modes (neuron_selector.h): ExactSelector, UniformSelector
//                                and LshSelector (lsh_selector.h)
//   Trainer     (trainer.h)     batches in parallel, SGD / lazy Adam / dense Adam, progress
//                               callback, precision modes
//   Predictor   (predictor.h)   exact (batched matrix products) and selected top-k
//
// A typical XC run:
//   slide::nn::Network net({.input_dim = d, .hidden_dims = {128}, .output_dim = L});
//   slide::nn::UniformSelector selector(L, 3000);
//   slide::nn::Trainer trainer(net, selector, {.learning_rate = 1e-4f, .threads = 0});
//   for (int e = 0; e < epochs; ++e) trainer.train_epoch(train, on_progress);
//   slide::nn::Predictor predictor(net, {.top_k = 5});
//   slide::nn::TopK top = predictor.predict_exact(test.features);

#include "slide/nn/loss.h"
#include "slide/nn/lsh_selector.h"
#include "slide/nn/network.h"
#include "slide/nn/neuron_selector.h"
#include "slide/nn/optimizer.h"
#include "slide/nn/predictor.h"
#include "slide/nn/propagation.h"
#include "slide/nn/trainer.h"
