// Training-engine benchmark on an Amazon-670K-shaped synthetic problem (135,909 features ->
// 128 -> 670,091 outputs, ~75 non-zeros and ~5 labels per example). Reports examples per second
// for one output mode, the mean active-set size, the split of time between forward/backward,
// optimizer and selector updates (LSH rehash), and the peak resident memory (ru_maxrss), which
// is why each mode runs in its own process:
//
// Training modes first run --warmup=2 untimed batches (first-touch page faults).
// --optimizer=lazy_adam (default: with catch-up), lazy_adam_plain (without), dense_adam or sgd.
//
//   engine_bench --mode=exact   --batches=2  --batch=128 --threads=2 --warmup=1
//   engine_bench --mode=uniform --batches=20 --batch=256 --budget=3000 --threads=2
//   engine_bench --mode=lsh     --batches=20 --batch=256 --threads=2 [--family=dwta --k=6
//                --l=50 --policy=budget --budget=3000 --rehash=50]
//   engine_bench --mode=predict --rows=1024 --threads=2 [--bf16=1]
//   engine_bench --mode=predict --selector=lsh --rows=20000 --budget=3000 --threads=2
//   engine_bench --mode=w2v --threads=2   (skip-gram pairs: 71,291 words, dim 100, 5 negatives,
//                                          SGD, binary logistic: the per-example overhead)
//
// --mode=predict times exact top-5 inference of --rows rows against all outputs (random
// weights) and extrapolates to the 153,025 rows of the Amazon-670K test set.
//
// Plain program (not Google Benchmark): one long measurement per process is what is wanted.

#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "slide/core/csr_matrix.h"
#include "slide/core/random.h"
#include "slide/nn/lsh_selector.h"
#include "slide/nn/network.h"
#include "slide/nn/neuron_selector.h"
#include "slide/nn/predictor.h"
#include "slide/nn/trainer.h"
#include "slide/simd/dispatch.h"

namespace {

using namespace slide;
using namespace slide::nn;

std::map<std::string, std::string> parse(int argc, char** argv) {
  std::map<std::string, std::string> args;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    if (a.rfind("--", 0) != 0) continue;
    const auto eq = a.find('=');
    if (eq == std::string::npos) {
      args[a.substr(2)] = "1";
    } else {
      args[a.substr(2, eq - 2)] = a.substr(eq + 1);
    }
  }
  return args;
}

// CPU seconds (user + system) of the process so far: with other jobs on the machine, wall time
// alone overstates the cost; both are printed.
double cpu_seconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         1e-6 * static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec);
}

std::string get(const std::map<std::string, std::string>& a, const std::string& k,
                const std::string& d) {
  const auto it = a.find(k);
  return it == a.end() ? d : it->second;
}

double peak_rss_mib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // ru_maxrss is in KiB on Linux
}

// Synthetic examples: features drawn with a skewed (squared-uniform) distribution, tf-idf-like
// values normalised to unit length; labels skewed the same way (a few frequent labels, a long
// tail), 1..9 per example (mean 5).
SparseDataset synthetic(std::uint32_t features, std::uint32_t labels, std::size_t rows,
                        std::uint64_t seed) {
  SparseDataset d{CsrMatrix(features), CsrMatrix(labels, true)};
  d.features.reserve(rows, rows * 75);
  d.labels.reserve(rows, rows * 5);
  std::vector<std::uint32_t> ids, ys;
  std::vector<float> values;
  for (std::size_t e = 0; e < rows; ++e) {
    Rng rng(seed, e);
    ids.clear();
    ys.clear();
    values.clear();
    const std::size_t nnz = 50 + rng.uniform(51);
    while (ids.size() < nnz) {
      const float u = rng.uniform_float();
      const auto f = static_cast<std::uint32_t>(u * u * static_cast<float>(features));
      if (std::find(ids.begin(), ids.end(), f) == ids.end())
        ids.push_back(std::min(f, features - 1));
    }
    std::sort(ids.begin(), ids.end());
    double norm = 0;
    for (std::size_t i = 0; i < nnz; ++i) {
      values.push_back(0.1f + rng.uniform_float());
      norm += values.back() * values.back();
    }
    for (float& v : values) v = static_cast<float>(v / std::sqrt(norm));
    const std::size_t ny = 1 + rng.uniform(9);
    while (ys.size() < ny) {
      const float u = rng.uniform_float();
      const auto y =
          std::min(static_cast<std::uint32_t>(u * u * static_cast<float>(labels)), labels - 1);
      if (std::find(ys.begin(), ys.end(), y) == ys.end()) ys.push_back(y);
    }
    std::sort(ys.begin(), ys.end());
    d.features.append_row(ids, values);
    d.labels.append_row(ys);
  }
  return d;
}

}  // namespace

int main(int argc, char** argv) {
  const auto args = parse(argc, argv);
  const std::string mode = get(args, "mode", "uniform");
  const std::uint32_t features = std::stoul(get(args, "features", "135909"));
  const std::uint32_t labels = std::stoul(get(args, "labels", "670091"));
  const std::uint32_t hidden = std::stoul(get(args, "hidden", "128"));
  const int threads = std::stoi(get(args, "threads", "2"));
  const std::size_t batch = std::stoul(get(args, "batch", "256"));
  const std::size_t batches = std::stoul(get(args, "batches", "10"));
  const std::uint32_t budget = std::stoul(get(args, "budget", "3000"));
  const std::string optimizer = get(args, "optimizer", "lazy_adam");
  const std::string precision = get(args, "precision", "f32");

  std::printf("engine_bench mode=%s kernels=%s threads=%d network=%u->%u->%u\n", mode.c_str(),
              simd::kernel_set_name(simd::active_kernel_set()), threads, features, hidden, labels);
  NetworkConfig nc;
  nc.input_dim = features;
  nc.hidden_dims = {hidden};
  nc.output_dim = labels;
  nc.seed = 1;
  if (mode == "predict") {
    // Timing only: uniform weights initialise several times faster than normal ones.
    nc.hidden_init = {Init::Kind::uniform, 0.05f};
    nc.output_init = {Init::Kind::uniform, 0.05f};
  }
  auto t0 = std::chrono::steady_clock::now();
  Network net(nc);
  const double init_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("init %.2f s, parameters %.1f M (%.0f MiB)\n", init_s,
              static_cast<double>(nc.parameter_count()) / 1e6,
              static_cast<double>(net.parameters().bytes()) / (1 << 20));

  if (mode == "predict") {
    const std::size_t rows = std::stoul(get(args, "rows", "1024"));
    const SparseDataset data = synthetic(features, labels, rows, 7);
    PredictorConfig pc;
    pc.top_k = 5;
    pc.threads = threads;
    pc.bf16 = get(args, "bf16", "0") == "1";
    pc.example_block = std::stoul(get(args, "example-block", "256"));
    pc.output_block = std::stoul(get(args, "output-block", "512"));
    Predictor predictor(net, pc);
    if (get(args, "selector", "exact") == "lsh") {
      // LSH top-5: score only the candidates of the tables (DWTA K=6 L=50, budget policy).
      LshSelectorConfig lc;
      lc.tables.k = std::stoul(get(args, "k", "6"));
      lc.tables.l = std::stoul(get(args, "l", "50"));
      lc.tables.seed = 11;
      lc.active.policy = lsh::parse_active_policy(get(args, "policy", "budget"));
      lc.active.beta = budget;
      LshSelector selector(labels, hidden, lc);
      t0 = std::chrono::steady_clock::now();
      selector.prepare(net);
      const double build_s =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      const double cpu0 = cpu_seconds();
      t0 = std::chrono::steady_clock::now();
      const TopK top = predictor.predict_selected(data.features, selector);
      const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      std::printf(
          "LSH top-5 (policy %s, beta %u): tables built in %.2f s; %zu rows in %.2f s "
          "(%.2f CPU s) = %.1f rows/s; first id %u; peak RSS %.0f MiB\n",
          lsh::active_policy_name(lc.active.policy), budget, build_s, rows, s, cpu_seconds() - cpu0,
          static_cast<double>(rows) / s, top.ids[0], peak_rss_mib());
      return 0;
    }
    const double cpu0 = cpu_seconds();
    t0 = std::chrono::steady_clock::now();
    const TopK top = predictor.predict_exact(data.features);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf(
        "exact top-5 %s: %zu rows in %.2f s (%.2f CPU s) = %.1f rows/s; 153025 rows -> "
        "%.0f s; first id %u; peak RSS %.0f MiB\n",
        pc.bf16 ? "bf16" : "f32", rows, s, cpu_seconds() - cpu0, static_cast<double>(rows) / s,
        153025.0 * s / static_cast<double>(rows), top.ids[0], peak_rss_mib());
    return 0;
  }

  if (mode == "w2v") {
    const std::uint32_t words = std::stoul(get(args, "words", "71291"));
    const std::uint32_t dim = std::stoul(get(args, "dim", "100"));
    const std::size_t pairs = std::stoul(get(args, "pairs", "2000000"));
    NetworkConfig wc;
    wc.input_dim = words;
    wc.hidden_dims = {dim};
    wc.output_dim = words;
    wc.hidden_activation = Activation::identity;
    wc.hidden_bias = false;
    wc.output_bias = false;
    wc.hidden_init = {Init::Kind::uniform, 0.5f / static_cast<float>(dim)};
    wc.output_init = {Init::Kind::zeros, 0.0f};
    Network w2v(wc);
    SparseDataset d{CsrMatrix(words), CsrMatrix(words, true)};
    d.features.reserve(pairs, pairs);
    d.labels.reserve(pairs, pairs);
    Rng rng(5);
    for (std::size_t i = 0; i < pairs; ++i) {
      const std::uint32_t x[1] = {rng.uniform(words)}, y[1] = {rng.uniform(words)};
      d.features.append_row(x);
      d.labels.append_row(y);
    }
    UniformSelector negatives(words, 6);
    TrainerConfig tc;
    tc.optimizer = OptimizerKind::sgd;
    tc.loss = LossKind::binary_logistic;
    tc.learning_rate = 0.025f;
    tc.batch_size = std::stoul(get(args, "batch", "1024"));
    tc.threads = threads;
    Trainer trainer(w2v, negatives, tc);
    const double cpu0 = cpu_seconds();
    t0 = std::chrono::steady_clock::now();
    const TrainStats stats = trainer.train_epoch(d);
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("w2v skip-gram pairs: %llu in %.2f s (%.2f CPU s) = %.0f pairs/s; mean loss %.3f\n",
                static_cast<unsigned long long>(stats.examples), s, cpu_seconds() - cpu0,
                static_cast<double>(stats.examples) / s, stats.mean_loss());
    return 0;
  }

  std::unique_ptr<NeuronSelector> selector;
  if (mode == "exact") {
    selector = std::make_unique<ExactSelector>(labels);
  } else if (mode == "uniform") {
    selector = std::make_unique<UniformSelector>(labels, budget);
  } else if (mode == "lsh") {
    LshSelectorConfig lc;
    lc.tables.family = lsh::parse_family(get(args, "family", "dwta"));
    lc.tables.k = std::stoul(get(args, "k", "6"));
    lc.tables.l = std::stoul(get(args, "l", "50"));
    lc.tables.bin_size = std::stoul(get(args, "bin", "8"));
    lc.tables.capacity = std::stoul(get(args, "capacity", "128"));
    lc.tables.seed = 11;
    lc.active.policy = lsh::parse_active_policy(get(args, "policy", "budget"));
    lc.active.beta = budget;
    lc.active.min_active = std::stoul(get(args, "min-active", "1000"));
    lc.active.fill_pool = std::stoul(get(args, "fill-pool", "0"));
    lc.schedule.kind = lsh::ScheduleKind::exponential;
    lc.schedule.period = std::stoul(get(args, "rehash", "50"));
    lc.schedule.growth = 1.1;
    selector = std::make_unique<LshSelector>(labels, hidden, lc);
    std::printf(
        "lsh family=%s K=%u L=%u policy=%s beta=%u fill pool %u, first rehash after %llu batches\n",
        lsh::family_name(lc.tables.family), lc.tables.k, lc.tables.l,
        lsh::active_policy_name(lc.active.policy), budget, lc.active.fill_pool,
        static_cast<unsigned long long>(lc.schedule.period));
  } else {
    std::fprintf(stderr, "unknown mode %s\n", mode.c_str());
    return 2;
  }
  const SparseDataset data = synthetic(features, labels, batch * batches, 3);
  TrainerConfig tc;
  tc.threads = threads;
  tc.batch_size = batch;
  tc.learning_rate = 1e-4f;
  tc.optimizer = optimizer == "dense_adam" ? OptimizerKind::dense_adam
                 : optimizer == "sgd"      ? OptimizerKind::sgd
                                           : OptimizerKind::lazy_adam;
  tc.adam.catch_up = optimizer != "lazy_adam_plain";
  tc.defer_output_gradient = get(args, "defer", "1") == "1";
  tc.fuse_output_softmax = get(args, "fuse", "1") == "1";
  tc.precision = precision == "bf16_weights"       ? Precision::bf16_weights
                 : precision == "bf16_activations" ? Precision::bf16_activations
                                                   : Precision::f32;
  Trainer trainer(net, *selector, tc);
  // Warm-up batches (not timed): the first touch of each page of the weights, gradients and
  // moments costs a page fault and the kernel's zeroing, a one-time cost of any run.
  const std::size_t warmup = std::stoul(get(args, "warmup", "2"));
  if (warmup > 0) {
    const SparseDataset warm = synthetic(features, labels, batch * warmup, 4);
    trainer.train_epoch(warm);
  }
  // Fault in every page of the Adam state and of the weights now: where the kernel falls back to
  // 4 KiB pages (no free huge page), the warm-up batches leave most pages of the moments
  // untouched, and their first-touch zeroing would be timed (an epoch pays it once).
  if (get(args, "prefault", "1") == "1") {
    auto touch_pages = [](ParameterBuffers& b) {
      auto touch = [](float* p, std::size_t n) {
        for (std::size_t i = 0; i < n; i += 1024) {
          volatile float* v = p + i;
          *v = *v;
        }
      };
      touch(b.input_weights.data(), b.input_weights.storage_size());
      touch(b.output_weights.data(), b.output_weights.storage_size());
      touch(b.output_bias.data(), b.output_bias.size());
    };
    touch_pages(net.parameters());
    if (AdamState* adam = trainer.adam_state()) {
      touch_pages(adam->moments1());
      touch_pages(adam->moments2());
    }
  }
  const double cpu0 = cpu_seconds();
  t0 = std::chrono::steady_clock::now();
  const TrainStats stats = trainer.train_epoch(data);
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::printf("defer=%d fuse=%d distinct output rows per batch %.0f; ",
              tc.defer_output_gradient ? 1 : 0, tc.fuse_output_softmax ? 1 : 0,
              static_cast<double>(stats.touched_output_rows) / static_cast<double>(stats.steps));
  std::printf(
      "%s optimizer=%s precision=%s batch=%zu: %llu examples in %.2f s (%.2f CPU s) = "
      "%.1f examples/s; "
      "mean active %.0f; forward+backward %.2f s, optimizer %.2f s, selector %.2f s; "
      "mean loss %.3f; peak RSS %.0f MiB\n",
      mode.c_str(), optimizer.c_str(), precision.c_str(), batch,
      static_cast<unsigned long long>(stats.examples), s, cpu_seconds() - cpu0,
      static_cast<double>(stats.examples) / s, stats.mean_active(), stats.forward_backward_seconds,
      stats.optimizer_seconds, stats.selector_seconds, stats.mean_loss(), peak_rss_mib());
  return 0;
}
