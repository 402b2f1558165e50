// slide-xc train: reads the data, trains, evaluates after each epoch, saves the model.

#include <array>
#include <boost/program_options.hpp>
#include <sstream>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/cli_common.h"
#include "common/exit_codes.h"
#include "common/memory_size.h"
#include "common/progress_meter.h"
#include "slide-xc/commands.h"
#include "slide-xc/data_io.h"
#include "slide-xc/xc_model.h"
#include "slide/core/error.h"
#include "slide/core/random.h"
#include "slide/io/input.h"
#include "slide/model/model_file.h"
#include "slide/nn/engine.h"
#include "slide/nn/network_io.h"
#include "slide/nn/weight_average.h"
#include "slide/xc/metrics.h"
#include "slide/xc/row_sampling.h"

namespace po = boost::program_options;

namespace slide::xc_app {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::uint32_t kExactModeHidden = 256;
constexpr double kExactModeInputDropout = 0.2;
// lsh output mode: the random fill of a batch's active sets comes from a pool of this many times
// the active-set size (the examples share their negatives, as sampled softmax does within a
// batch). On the Amazon-670K shape one epoch took 189 s instead of 344 s and reached P@1 0.292
// instead of 0.240 (docs/PERFORMANCE.md): far fewer distinct output rows per batch for the lazy
// Adam step, and each of them gets a gradient from many examples.
constexpr std::uint32_t kLshFillPoolPerActive = 4;

double seconds_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double>(b - a).count();
}

struct TrainOptions {
  std::string input, input_labels, test, test_labels, output, format = "xc";
  std::string preset;
  std::uint32_t hidden = 128;
  std::string output_mode = "auto";
  std::string family = "dwta";
  std::uint32_t k = 6, l = 50, bin_size = 8, capacity = 128;
  std::string replacement = "fifo";
  std::string active_policy = "budget";
  std::uint32_t active_size = 4096;
  std::uint32_t fill_pool = 0;
  std::uint32_t min_hits = 2;
  std::string schedule = "exponential";
  std::uint64_t rehash_period = 50;
  double rehash_growth = 1.1;
  std::uint64_t rehash_max_period = 0;
  double change_threshold = 0.1;
  std::uint32_t rebuild_every = 0;
  std::string optimizer = "adam";
  float learning_rate = 1e-3f;
  std::size_t batch_size = 128;
  std::size_t epochs = 10;
  std::string average_epochs = "auto";  // auto: half the epochs in exact mode, else 0
  std::uint64_t average_every = 10;
  double input_dropout = 0;
  std::string precision = "fp32";
  std::string log;
  std::uint64_t eval_rows = 10000;
  std::string checkpoint;
  double checkpoint_minutes = 30;
  std::uint64_t checkpoint_batches = 0;
  bool checkpoint_model = false;
  bool resume = false;
  std::string max_memory;
  bool skip_bad_rows = false;
};

// The published SLIDE settings (the reference code's configurations), applied to every option
// the command line leaves at its default.
void apply_preset(const std::string& preset, const po::variables_map& vm, TrainOptions& o) {
  if (preset.empty()) return;
  auto set = [&](const char* key, auto& field, auto value) {
    if (vm[key].defaulted()) field = value;
  };
  if (preset == "amazon670k") {
    set("output-mode", o.output_mode, std::string("lsh"));
    set("hash-family", o.family, std::string("dwta"));
    set("k", o.k, 6u);
    set("l", o.l, 50u);
    set("batch-size", o.batch_size, std::size_t{256});
    set("learning-rate", o.learning_rate, 1e-4f);
  } else if (preset == "delicious200k") {
    set("output-mode", o.output_mode, std::string("lsh"));
    set("hash-family", o.family, std::string("simhash"));
    set("k", o.k, 9u);
    set("l", o.l, 50u);
    set("batch-size", o.batch_size, std::size_t{128});
    set("learning-rate", o.learning_rate, 1e-4f);
  } else if (preset == "wikilshtc325k") {
    set("output-mode", o.output_mode, std::string("lsh"));
    set("hash-family", o.family, std::string("dwta"));
    set("k", o.k, 5u);
    set("l", o.l, 350u);
    set("batch-size", o.batch_size, std::size_t{256});
    set("learning-rate", o.learning_rate, 1e-4f);
  } else {
    throw UsageError("unknown preset '" + preset +
                     "' (expected amazon670k, delicious200k or wikilshtc325k)");
  }
  set("hidden", o.hidden, 128u);
}

nn::OptimizerKind parse_optimizer(const std::string& name) {
  if (name == "adam" || name == "lazy-adam") return nn::OptimizerKind::lazy_adam;
  if (name == "dense-adam") return nn::OptimizerKind::dense_adam;
  if (name == "sgd") return nn::OptimizerKind::sgd;
  throw UsageError("unknown optimizer '" + name + "' (expected adam, lazy-adam, dense-adam or sgd)");
}

lsh::ScheduleKind parse_schedule(const std::string& name) {
  if (name == "fixed") return lsh::ScheduleKind::fixed;
  if (name == "exponential") return lsh::ScheduleKind::exponential;
  if (name == "on-change") return lsh::ScheduleKind::on_change;
  throw UsageError("unknown rebuild schedule '" + name + "' (expected fixed, exponential or on-change)");
}

struct EvalResult {
  double p1 = 0, p3 = 0, p5 = 0;
};

EvalResult evaluate(const nn::Network& network, const CsrMatrix& features, const xc::Dataset& truth,
                    int threads) {
  nn::Predictor predictor(network, {.top_k = 5, .threads = threads});
  const nn::TopK top = predictor.predict_exact(features);
  xc::MetricsAccumulator acc(5);
  std::vector<std::uint32_t> ranked;
  for (std::size_t i = 0; i < top.rows; ++i) {
    ranked.clear();
    for (std::uint32_t id : top.row_ids(i)) {
      if (id != nn::kNoLabel) ranked.push_back(id);
    }
    acc.add(truth.labels(i), ranked);
  }
  return {acc.value({xc::MetricKind::kPrecision, 1}), acc.value({xc::MetricKind::kPrecision, 3}),
          acc.value({xc::MetricKind::kPrecision, 5})};
}

// Shortest decimal for a default shown in --help (Boost would print 1.1000000000000001).
std::string format_default(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", value);
  return buffer;
}

std::string fixed(double value, int digits) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", digits, value);
  return text;
}

// --average-epochs: "auto" averages the second half of the epochs in exact output mode (where a
// snapshot costs little next to a batch) and nothing in the sampled modes (Amazon-scale
// networks, where the copy would add a parameter-sized buffer).
std::uint64_t resolve_average_epochs(const TrainOptions& o, OutputMode mode) {
  if (o.average_epochs == "auto") return mode == OutputMode::exact ? o.epochs / 2 : 0;
  std::uint64_t n = 0;
  std::size_t used = 0;
  try {
    n = std::stoull(o.average_epochs, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != o.average_epochs.size() || o.average_epochs[0] == '-') {
    throw UsageError("--average-epochs must be a count or auto, not '" + o.average_epochs + "'");
  }
  if (n > o.epochs) throw UsageError("--average-epochs cannot exceed --epochs");
  return n;
}

// The epoch's copy of the data under input dropout: each feature kept with probability 1 - p,
// scaled by 1 / (1 - p), drawn from Rng(seed, stream, epoch, row) (independent of threads).
SparseDataset drop_features(const SparseDataset& data, double p, std::uint64_t seed,
                            std::uint64_t epoch) {
  constexpr std::uint64_t kDropStream = 0xD709;
  SparseDataset out;
  out.features = CsrMatrix(data.features.cols(), false);
  out.features.reserve(data.size(), data.features.nnz());
  out.labels = data.labels;
  const float scale = static_cast<float>(1.0 / (1.0 - p));
  const float keep = static_cast<float>(1.0 - p);
  std::vector<std::uint32_t> ids;
  std::vector<float> values;
  for (std::size_t i = 0; i < data.size(); ++i) {
    const SparseRow row = data.features.row(i);
    Rng rng(seed, kDropStream, epoch, i);
    ids.clear();
    values.clear();
    for (std::size_t j = 0; j < row.ids.size(); ++j) {
      if (rng.uniform_float() >= keep) continue;
      ids.push_back(row.ids[j]);
      values.push_back((row.values.empty() ? 1.0f : row.values[j]) * scale);
    }
    out.features.append_row(ids, values);
  }
  return out;
}

// What a training run holds at its peak, by part (bytes): checked against --max-memory and the
// available memory before anything big is allocated. Measured against the peak RSS in
// docs/RELIABILITY.md.
struct MemoryEstimate {
  double network = 0;    // weights (rows padded to 16 floats), bf16 copy
  double optimizer = 0;  // Adam: gradients and two moments, row flags
  double tables = 0;     // LSH tables, and the key arrays a rehash builds next to them
  double data = 0;       // the engine's copy of the training data
  double working = 0;    // per-thread scratch, and the process itself (code, libraries, buffers)
  // Training holds everything at once; before it, while the data is converted for the engine,
  // the reader's copy and the engine's exist together (and the network is not allocated yet).
  double total() const {
    return std::max(network + optimizer + tables + data + working, 2 * data + working);
  }
  std::string text() const {
    return "about " + cli::format_bytes(total()) + " (network " + cli::format_bytes(network) +
           ", optimizer state " + cli::format_bytes(optimizer) + ", hash tables " +
           cli::format_bytes(tables) + ", data " + cli::format_bytes(data) + ", working memory " +
           cli::format_bytes(working) + ")";
  }
};

MemoryEstimate estimate_memory(const nn::NetworkConfig& net, nn::OptimizerKind optimizer,
                               nn::Precision precision, OutputMode mode,
                               const nn::LshSelectorConfig& lsh, int threads, double rows,
                               double feature_nnz, double label_nnz) {
  auto padded = [](double width) { return std::ceil(width / 16.0) * 16.0; };
  MemoryEstimate m;
  const double in = net.input_dim, out = net.output_dim;
  double floats = in * padded(net.hidden_dims[0]) + padded(net.hidden_dims[0]);
  for (std::size_t l = 1; l < net.hidden_dims.size(); ++l) {
    floats += double(net.hidden_dims[l]) * padded(net.hidden_dims[l - 1]) +
              padded(net.hidden_dims[l]);
  }
  const double last = padded(net.last_hidden_dim());
  floats += out * last + out;
  m.network = floats * sizeof(float);
  if (precision == nn::Precision::bf16_weights) m.network += out * last * 2.0;
  // Gradients and two moments; per row a flag byte and (lazy Adam) a 32-bit last step.
  if (optimizer != nn::OptimizerKind::sgd) m.optimizer = 3.0 * floats * sizeof(float) + 5.0 * (in + out);
  if (mode == OutputMode::lsh) {
    const double l = lsh.tables.l;
    const double keys = static_cast<double>(lsh.tables.num_keys());
    const bool direct = keys <= std::max(out, 65536.0);
    m.tables = l * out * 4.0                                // stored ids
               + (direct ? l * (keys + 1) * 4.0 : l * out * 8.0)  // bucket offsets (and keys)
               + l * out * 4.0                              // the keys of a rehash
               + (direct ? 0.0 : l * out * 4.0);            // and its sorting scratch
  }
  m.data = feature_nnz * 8.0 + label_nnz * 4.0 + rows * 16.0;
  m.working = 32.0 * 1024 * 1024 + threads * (out * 12.0 + 64.0 * 1024);
  return m;
}

void check_memory(const MemoryEstimate& estimate, std::optional<std::uint64_t> max_memory) {
  if (max_memory && estimate.total() > static_cast<double>(*max_memory)) {
    throw ResourceError("this configuration needs " + estimate.text() + ", more than --max-memory " +
                        cli::format_bytes(static_cast<double>(*max_memory)));
  }
  const std::optional<std::uint64_t> available = cli::available_memory();
  if (available && estimate.total() > static_cast<double>(*available)) {
    throw ResourceError("this configuration needs " + estimate.text() + " but only " +
                        cli::format_bytes(static_cast<double>(*available)) +
                        " of memory is available");
  }
}

// The `N F L` header of an XC file, read before the data so that a configuration that cannot
// fit is refused at once; nullopt when there is none to read cheaply (stdin, a FIFO, other formats,
// anything malformed: the reader reports that properly later).
std::optional<std::array<double, 3>> peek_xc_header(const std::string& path) {
  // Only a regular file can be read twice: from stdin or a FIFO the peek would take the data.
  std::error_code error;
  if (path == "-" || !std::filesystem::is_regular_file(path, error)) return std::nullopt;
  try {
    auto in = io::open_input(path);
    std::string line;
    if (!in->getline(line)) return std::nullopt;
    std::istringstream fields(line);
    double rows = 0, features = 0, labels = 0;
    if (!(fields >> rows >> features >> labels) || features < 1 || labels < 1 ||
        features > 4294967295.0 || labels > 4294967295.0) {
      return std::nullopt;
    }
    return std::array<double, 3>{rows, features, labels};
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

}  // namespace

int run_train(const std::vector<std::string>& args) {
  cli::CommonOptions common;
  TrainOptions o;
  po::options_description data("Data");
  data.add_options()
      ("input,i", po::value(&o.input)->value_name("FILE"),
       "training data (plain, gz, zst, bz2, xz, or - for stdin)")
      ("input-labels", po::value(&o.input_labels)->value_name("FILE"),
       "labels file of the training data (--format split)")
      ("test,t", po::value(&o.test)->value_name("FILE"),
       "test data, evaluated (P@1/3/5 on a random subset) after each epoch")
      ("test-labels", po::value(&o.test_labels)->value_name("FILE"),
       "labels file of the test data (--format split)")
      ("output,o", po::value(&o.output)->value_name("MODEL"), "where to write the model")
      ("format", po::value(&o.format)->default_value(o.format)->value_name("FMT"),
       "xc, libsvm or split")
      ("skip-bad-rows", po::bool_switch(&o.skip_bad_rows),
       "skip (and count) malformed rows instead of stopping")
      ("eval-rows", po::value(&o.eval_rows)->default_value(o.eval_rows)->value_name("N"),
       "test rows evaluated after each epoch (a random subset; 0 = none)");
  po::options_description net("Network");
  net.add_options()
      ("preset", po::value(&o.preset)->value_name("NAME"),
       "published SLIDE settings: amazon670k, delicious200k or wikilshtc325k")
      ("hidden", po::value(&o.hidden)->default_value(o.hidden, "auto")->value_name("N"),
       "hidden layer size (auto: 256 in exact output mode, 128 otherwise)")
      ("output-mode", po::value(&o.output_mode)->default_value(o.output_mode)->value_name("MODE"),
       "auto (exact below 20000 labels, else lsh), exact, lsh or uniform")
      ("precision", po::value(&o.precision)->default_value(o.precision)->value_name("P"),
       "fp32, bf16-act (bfloat16 activations) or bf16 (bfloat16 output products)");
  po::options_description hash("LSH and active sets (output modes lsh and uniform)");
  hash.add_options()
      ("hash-family", po::value(&o.family)->default_value(o.family)->value_name("F"),
       "dwta, wta, simhash or minhash")
      ("k", po::value(&o.k)->default_value(o.k)->value_name("K"), "hash codes per table")
      ("l", po::value(&o.l)->default_value(o.l)->value_name("L"), "hash tables")
      ("bin-size", po::value(&o.bin_size)->default_value(o.bin_size)->value_name("N"),
       "WTA/DWTA dimensions per bin")
      ("bucket-capacity", po::value(&o.capacity)->default_value(o.capacity)->value_name("N"),
       "ids per bucket")
      ("bucket-replacement", po::value(&o.replacement)->default_value(o.replacement)->value_name("R"),
       "fifo or reservoir")
      ("active-policy", po::value(&o.active_policy)->default_value(o.active_policy)->value_name("P"),
       "budget, union, threshold, top-hits, uniform or exact")
      ("active-size", po::value(&o.active_size)->default_value(o.active_size)->value_name("N"),
       "active-set budget (labels included); minimum size for union and threshold")
      ("fill-pool", po::value(&o.fill_pool)->default_value(o.fill_pool, "auto")->value_name("N"),
       "LSH modes: draw the random fill from N ids shared by the batch (0 = from all labels; "
       "auto: 4 x --active-size in lsh output mode)")
      ("min-hits", po::value(&o.min_hits)->default_value(o.min_hits)->value_name("M"),
       "threshold policy: tables an id must be found in")
      ("rebuild-schedule", po::value(&o.schedule)->default_value(o.schedule)->value_name("S"),
       "when to rehash: fixed, exponential or on-change")
      ("rehash-period", po::value(&o.rehash_period)->default_value(o.rehash_period)->value_name("N"),
       "batches between rehashes (exponential: the first interval)")
      ("rehash-growth", po::value(&o.rehash_growth)->default_value(o.rehash_growth, format_default(o.rehash_growth))->value_name("G"),
       "exponential: interval growth factor")
      ("rehash-max-period", po::value(&o.rehash_max_period)->default_value(o.rehash_max_period)->value_name("N"),
       "exponential: largest interval (0 = none)")
      ("change-threshold", po::value(&o.change_threshold)->default_value(o.change_threshold, format_default(o.change_threshold))->value_name("F"),
       "on-change: rehash when this fraction of sampled rows changed keys")
      ("rebuild-every", po::value(&o.rebuild_every)->default_value(o.rebuild_every)->value_name("N"),
       "draw new hash functions every N rehashes (0 = never)");
  po::options_description opt("Optimisation");
  opt.add_options()
      ("optimizer", po::value(&o.optimizer)->default_value(o.optimizer)->value_name("O"),
       "adam (lazy: touched rows only, with a skipped row's momentum steps caught up), "
       "lazy-adam (the same without catch-up), dense-adam or sgd")
      ("learning-rate,r", po::value(&o.learning_rate)->default_value(o.learning_rate, "0.001")->value_name("R"),
       "learning rate")
      ("batch-size,b", po::value(&o.batch_size)->default_value(o.batch_size)->value_name("N"),
       "examples per optimizer step")
      ("epochs,e", po::value(&o.epochs)->default_value(o.epochs)->value_name("N"), "passes over the data")
      ("average-epochs", po::value(&o.average_epochs)->default_value(o.average_epochs)->value_name("N"),
       "save the mean of the weights over the last N epochs (0 = the last weights; auto = half "
       "the epochs in exact output mode, 0 otherwise)")
      ("input-dropout", po::value(&o.input_dropout)->default_value(o.input_dropout, "auto")->value_name("P"),
       "drop each input feature with probability P in every epoch, the rest scaled by 1/(1-P) "
       "(auto: 0.2 in exact output mode, 0 otherwise)")
      ("average-every", po::value(&o.average_every)->default_value(o.average_every)->value_name("N"),
       "batches between the snapshots that are averaged");
  po::options_description run("Run");
  run.add_options()
      ("log", po::value(&o.log)->value_name("FILE"),
       "TSV log: batch, train seconds, wall seconds, loss, P@1, P@3, P@5, active size")
      ("checkpoint", po::value(&o.checkpoint)->value_name("FILE"),
       "checkpoint file (default MODEL.ckpt)")
      ("checkpoint-every", po::value(&o.checkpoint_minutes)->default_value(o.checkpoint_minutes)->value_name("MIN"),
       "minutes between checkpoints within an epoch (0 = at epoch ends only)")
      ("checkpoint-every-batches", po::value(&o.checkpoint_batches)->default_value(o.checkpoint_batches)->value_name("N"),
       "also checkpoint every N batches (0 = off)")
      ("checkpoint-model", po::bool_switch(&o.checkpoint_model),
       "with each checkpoint also write the model so far to MODEL (atomically), for use while training")
      ("resume", po::bool_switch(&o.resume), "continue from the checkpoint")
      ("max-memory", po::value(&o.max_memory)->value_name("SIZE"),
       "refuse to start if the estimate exceeds SIZE (e.g. 8G)");
  po::options_description all(
      "Usage: slide-xc train -i TRAIN [-t TEST] -o MODEL [options]\n\nTrain a model");
  all.add(data).add(net).add(hash).add(opt).add(run).add(cli::common_options_description(common, false));
  po::variables_map vm;
  const auto environment = cli::parse_command_line("slide-xc", args, all, common, vm);
  if (!environment) return cli::kExitOk;
  apply_preset(o.preset, vm, o);
  if (o.input.empty()) throw UsageError("train needs --input (-i)");
  if (o.output.empty()) throw UsageError("train needs --output (-o)");
  if (o.input == "-" && o.test == "-") throw UsageError("the training and test data cannot both be stdin");
  const InputFormat format = parse_input_format(o.format);
  if (format == InputFormat::split && (o.input_labels.empty() || (!o.test.empty() && o.test_labels.empty()))) {
    throw UsageError("--format split needs --input-labels (and --test-labels with --test)");
  }
  if (o.hidden == 0) throw UsageError("--hidden must be positive");
  if (o.epochs == 0) throw UsageError("--epochs must be positive");
  if (!(o.input_dropout >= 0 && o.input_dropout < 1)) {
    throw UsageError("--input-dropout must be in [0, 1)");
  }
  if (o.average_every == 0) throw UsageError("--average-every must be positive");
  if (!(o.learning_rate > 0) || !std::isfinite(o.learning_rate)) {
    throw UsageError("--learning-rate must be a positive number");
  }
  if (o.checkpoint_minutes < 0) throw UsageError("--checkpoint-every must be >= 0");
  const nn::OptimizerKind optimizer = parse_optimizer(o.optimizer);
  const nn::Precision precision = parse_precision(o.precision);
  OutputMode mode = parse_output_mode(o.output_mode);
  std::optional<std::uint64_t> max_memory;
  if (!o.max_memory.empty()) max_memory = cli::parse_memory_size(o.max_memory);
  const std::string checkpoint_path = o.checkpoint.empty() ? o.output + ".ckpt" : o.checkpoint;

  nn::LshSelectorConfig lsh_config;
  lsh_config.tables.family = lsh::parse_family(o.family);
  lsh_config.tables.k = o.k;
  lsh_config.tables.l = o.l;
  lsh_config.tables.bin_size = o.bin_size;
  lsh_config.tables.capacity = o.capacity;
  lsh_config.tables.replacement = lsh::parse_replacement(o.replacement);
  lsh_config.tables.seed = common.seed ^ 0x9E3779B97F4A7C15ull;
  lsh_config.active.policy = lsh::parse_active_policy(o.active_policy);
  lsh_config.active.beta = o.active_size;
  lsh_config.active.min_active = o.active_size;
  lsh_config.active.fill_pool = o.fill_pool;
  lsh_config.active.min_hits = o.min_hits;
  lsh_config.schedule.kind = parse_schedule(o.schedule);
  lsh_config.schedule.period = o.rehash_period;
  lsh_config.schedule.growth = o.rehash_growth;
  lsh_config.schedule.max_period = o.rehash_max_period;
  lsh_config.schedule.change_threshold = o.change_threshold;
  lsh_config.schedule.rebuild_every = o.rebuild_every;
  if (o.active_size == 0) throw UsageError("--active-size must be positive");

  // A configuration that cannot fit is refused before the data is read, from the file's header
  // (the data itself counted as nothing yet); the full estimate follows once it is read.
  if (!o.resume && format == InputFormat::xc) {
    if (const auto header = peek_xc_header(o.input)) {
      nn::NetworkConfig early;
      early.input_dim = static_cast<std::uint32_t>((*header)[1]);
      early.hidden_dims = {o.hidden};
      early.output_dim = static_cast<std::uint32_t>((*header)[2]);
      OutputMode early_mode = mode;
      if (early_mode == OutputMode::automatic) {
        early_mode = early.output_dim >= kAutoLshLabels ? OutputMode::lsh : OutputMode::exact;
      }
      check_memory(estimate_memory(early, optimizer, precision, early_mode, lsh_config,
                                   environment->threads(), (*header)[0], 0, 0),
                   max_memory);
    }
  }

  // The model file's temporary is created now: an unwritable destination fails before training.
  auto writer = std::make_unique<model::ModelWriter>(o.output, model::kKindXc);
  cli::install_interrupt_handlers();
  const bool quiet = common.quiet;
  const Clock::time_point wall_start = Clock::now();

  // Data.
  if (!quiet) std::cerr << "reading " << o.input << "\n";
  xc::ReadResult train_read = load_data({o.input, o.input_labels}, format, o.skip_bad_rows);
  auto report_skipped = [&](const xc::ReadReport& report, const std::string& name) {
    if (report.skipped_rows == 0 || quiet) return;
    std::cerr << "slide-xc: skipped " << report.skipped_rows << " bad row(s) of " << name << "\n";
    for (const std::string& message : report.skipped_messages) std::cerr << "  " << message << "\n";
  };
  report_skipped(train_read.report, o.input);
  const xc::Dataset& train_data = train_read.data;
  if (train_data.rows() == 0) throw DataError(o.input, 0, "no training rows");
  std::optional<xc::Dataset> test_data;
  if (!o.test.empty()) {
    if (!quiet) std::cerr << "reading " << o.test << "\n";
    xc::ReadResult test_read = load_data({o.test, o.test_labels}, format, o.skip_bad_rows,
                                         train_data.num_features(), train_data.num_labels());
    report_skipped(test_read.report, o.test);
    test_data = std::move(test_read.data);
  }
  std::uint32_t input_dim = train_data.num_features();
  std::uint32_t output_dim = train_data.num_labels();
  if (test_data) {
    input_dim = std::max(input_dim, test_data->num_features());
    output_dim = std::max(output_dim, test_data->num_labels());
  }
  if (input_dim == 0 || output_dim == 0) {
    throw DataError(o.input, 0, "the data has no features or no labels");
  }
  if (mode == OutputMode::automatic) {
    mode = output_dim >= kAutoLshLabels ? OutputMode::lsh : OutputMode::exact;
  }
  const std::uint64_t average_epochs = resolve_average_epochs(o, mode);
  // The small-label defaults (exact output mode): a wider hidden layer, regularised by input
  // dropout and weight averaging (measured on Bibtex and Delicious, docs/PERFORMANCE.md). The
  // sampled modes keep the published SLIDE shape and no per-epoch data copy.
  const bool small_defaults = mode == OutputMode::exact && o.preset.empty();
  if (vm["hidden"].defaulted() && small_defaults) o.hidden = kExactModeHidden;
  if (vm["input-dropout"].defaulted() && small_defaults) {
    o.input_dropout = kExactModeInputDropout;
  }
  if (vm["fill-pool"].defaulted() && mode == OutputMode::lsh) {
    lsh_config.active.fill_pool = static_cast<std::uint32_t>(std::min<std::uint64_t>(
        std::uint64_t{kLshFillPoolPerActive} * o.active_size, output_dim));
  }

  // Network configuration, from the checkpoint when resuming.
  nn::NetworkConfig net_config;
  net_config.input_dim = input_dim;
  net_config.hidden_dims = {o.hidden};
  net_config.output_dim = output_dim;
  net_config.seed = common.seed;
  // Glorot uniform for the input layer and 1/sqrt(fan-in) for the output layer (PyTorch's
  // defaults for this network): a 0.01 standard deviation learns markedly slower here.
  net_config.hidden_init = {nn::Init::Kind::uniform,
                            static_cast<float>(std::sqrt(6.0 / (double(input_dim) + o.hidden)))};
  net_config.output_init = {nn::Init::Kind::uniform,
                            static_cast<float>(1.0 / std::sqrt(double(o.hidden)))};
  std::unique_ptr<model::ModelReader> resume_reader;
  if (o.resume) {
    resume_reader = std::make_unique<model::ModelReader>(checkpoint_path);
    resume_reader->require_kind(model::kKindCheckpoint);
    const model::ModelConfig stored = resume_reader->config();
    net_config = nn::load_network_config(stored);
    if (net_config.input_dim != input_dim || net_config.output_dim != output_dim) {
      throw UsageError("the checkpoint " + checkpoint_path + " is for " +
                       std::to_string(net_config.input_dim) + " features and " +
                       std::to_string(net_config.output_dim) + " labels, the data has " +
                       std::to_string(input_dim) + " and " + std::to_string(output_dim));
    }
    // The random streams follow from the seed: a resumed run keeps the checkpoint's.
    if (stored.has("train.seed")) {
      const std::string text = stored.get_string("train.seed");
      if (vm["seed"].defaulted()) {
        common.seed = std::stoull(text);
      } else if (text != std::to_string(common.seed)) {
        throw UsageError("the checkpoint " + checkpoint_path + " was trained with --seed " + text +
                         ", not " + std::to_string(common.seed));
      }
    }
    const ModelSettings settings = load_settings(stored);
    mode = settings.output_mode;
    lsh_config.tables = settings.lsh.tables;
    // Rebuilds draw from the seed the run started with; the current functions come back with
    // the rest of the selector's state below.
    if (nn::has_lsh_state(stored)) lsh_config.tables.seed = nn::lsh_state_base_seed(stored);
  }
  net_config.check();

  // Memory, now that the data's size is known (before the network and tables are allocated).
  MemoryEstimate estimate = estimate_memory(
      net_config, optimizer, precision, mode, lsh_config, environment->threads(),
      static_cast<double>(train_data.rows()), static_cast<double>(train_data.feature_nnz()),
      static_cast<double>(train_data.label_nnz()));
  // --average-epochs keeps a running mean of the weights; --input-dropout a copy of the data.
  if (average_epochs > 0) {
    estimate.network += static_cast<double>(net_config.parameter_count()) * sizeof(float);
  }
  if (o.input_dropout > 0) estimate.working += estimate.data;
  check_memory(estimate, max_memory);
  if (common.verbose) std::cerr << "estimated memory: " << estimate.text() << "\n";

  const std::vector<std::uint64_t> label_counts = [&] {
    std::vector<std::uint64_t> counts = train_data.label_counts();
    counts.resize(output_dim, 0);
    return counts;
  }();
  const std::uint64_t train_points = train_data.rows();
  // The engine's copy replaces the reader's: the training data is held once.
  const SparseDataset train = to_sparse(train_data);
  train_read.data = xc::Dataset();
  // The evaluation subset: random rows, never the first ones (XC files are often sorted by label).
  std::optional<xc::Dataset> eval_truth;
  std::optional<CsrMatrix> eval_features;
  if (test_data && o.eval_rows > 0 && test_data->rows() > 0) {
    const std::vector<std::uint64_t> rows =
        xc::random_subset(test_data->rows(), o.eval_rows, common.seed ^ 0x5EEDull);
    eval_truth = test_data->select(rows);
    eval_features = features_of(*eval_truth);
    test_data.reset();
  }

  nn::Network network(net_config, /*initialize=*/!o.resume);
  std::unique_ptr<nn::NeuronSelector> selector;
  switch (mode) {
    case OutputMode::lsh:
      selector = std::make_unique<nn::LshSelector>(output_dim, o.hidden, lsh_config);
      break;
    case OutputMode::uniform:
      selector = std::make_unique<nn::UniformSelector>(output_dim, o.active_size);
      break;
    default:
      selector = std::make_unique<nn::ExactSelector>(output_dim);
  }
  nn::TrainerConfig trainer_config;
  trainer_config.optimizer = optimizer;
  trainer_config.adam.catch_up = o.optimizer != "lazy-adam";
  trainer_config.precision = precision;
  trainer_config.learning_rate = o.learning_rate;
  trainer_config.epochs = o.epochs;
  trainer_config.batch_size = o.batch_size;
  trainer_config.threads = environment->threads();
  trainer_config.seed = common.seed;
  trainer_config.check();
  nn::Trainer trainer(network, *selector, trainer_config);
  // Snapshots of the weights from average_first_epoch on; checkpoints carry the mean so far.
  std::optional<nn::WeightAverage> average;
  const std::uint64_t average_first_epoch = o.epochs - average_epochs;
  if (average_epochs > 0) average.emplace(net_config);
  if (o.resume) {
    nn::load_network_weights(*resume_reader, network);
    nn::load_trainer_state(*resume_reader, trainer);
    if (auto* lsh_selector = dynamic_cast<nn::LshSelector*>(selector.get())) {
      if (nn::has_lsh_state(resume_reader->config())) {
        nn::load_lsh_state(*resume_reader, *lsh_selector);
      }
    }
    if (average) nn::load_average_state(*resume_reader, *average);
    resume_reader.reset();
    if (!quiet) {
      std::cerr << "resuming from " << checkpoint_path << " at epoch " << trainer.epoch() + 1
                << " (step " << trainer.step() << ")\n";
    }
  }

  ModelSettings settings;
  settings.output_mode = mode;
  settings.precision = precision;
  settings.lsh = lsh_config;
  settings.train_points = train_points;
  auto current_settings = [&] {
    ModelSettings s = settings;
    if (auto* lsh_selector = dynamic_cast<nn::LshSelector*>(selector.get())) {
      s.lsh.tables.seed = lsh_selector->current_seed();
    }
    return s;
  };

  std::ofstream log;
  if (!o.log.empty()) {
    log.open(o.log, o.resume ? std::ios::app : std::ios::trunc);
    if (!log) throw OutputCreateError(o.log, "cannot create the log file");
    if (!o.resume) log << "batch\ttrain_seconds\twall_seconds\tloss\tp@1\tp@3\tp@5\tactive\n";
  }

  double paused_seconds = 0;  // evaluation and checkpoints, not training
  const Clock::time_point train_start = Clock::now();
  Clock::time_point last_checkpoint = train_start;
  // Divergence: a checkpoint holds finite weights, but only the next batch shows whether they
  // still give a finite loss; one that does not would diverge again on resume, whatever the
  // learning rate. So each checkpoint write first keeps the one it replaces as CKPT.prev (a hard
  // link: CKPT itself is never missing), and when the state of the newest checkpoint is the one
  // that diverged, CKPT.prev is put back in its place and that one is named instead.
  const std::string previous_path = checkpoint_path + ".prev";
  bool have_checkpoint = o.resume;
  std::uint64_t checkpoint_step = trainer.step();
  auto keep_previous = [&] {
    if (!have_checkpoint) return;
    const std::string temporary = previous_path + ".tmp";
    std::error_code ec;
    std::filesystem::remove(temporary, ec);
    std::filesystem::create_hard_link(checkpoint_path, temporary, ec);
    if (!ec) std::filesystem::rename(temporary, previous_path, ec);
    if (ec) std::filesystem::remove(previous_path, ec);  // no stale .prev: it must be older
  };
  auto divergence_message = [&](const std::string& what) {
    std::string note;
    if (have_checkpoint && checkpoint_step == trainer.step()) {
      std::error_code ec;
      std::filesystem::rename(checkpoint_path, checkpoint_path + ".diverged", ec);
      if (!ec && std::filesystem::exists(previous_path)) {
        std::filesystem::rename(previous_path, checkpoint_path, ec);
        note = " (the checkpoint after batch " + std::to_string(checkpoint_step) +
               " leads to the divergence: kept as " + checkpoint_path + ".diverged)";
      }
      have_checkpoint = !ec && std::filesystem::exists(checkpoint_path);
    }
    return what + "; " +
           (have_checkpoint ? "the last good checkpoint is " + checkpoint_path + note +
                                  " (resume from it with a lower --learning-rate)"
                            : std::string("no good checkpoint was written"));
  };
  // Never store NaN or infinite weights as if all were well: the previous checkpoint stays.
  // (Within training the message gets its checkpoint part where the DivergenceError is caught.)
  auto require_finite = [&] {
    if (!nn::network_is_finite(network)) {
      throw DivergenceError("training diverged: the weights are not finite after batch " +
                            std::to_string(trainer.step()));
    }
  };
  auto write_model = [&](model::ModelWriter& w) {
    model::ModelConfig config;
    nn::store_network_config(network.config(), config);
    store_settings(current_settings(), config);
    if (auto* lsh_selector = dynamic_cast<nn::LshSelector*>(selector.get())) {
      nn::store_lsh_config(*lsh_selector, config);
    }
    w.add_config(config);
    nn::add_network_sections(w, network);
    nn::add_label_counts(w, label_counts);
    w.commit();
  };
  auto save_checkpoint = [&] {
    const Clock::time_point t0 = Clock::now();
    require_finite();
    model::ModelWriter w(checkpoint_path, model::kKindCheckpoint);
    model::ModelConfig config;
    nn::store_network_config(network.config(), config);
    nn::store_trainer_state(trainer, config);
    store_settings(current_settings(), config);
    if (auto* lsh_selector = dynamic_cast<nn::LshSelector*>(selector.get())) {
      nn::store_lsh_config(*lsh_selector, config);
      nn::store_lsh_state(*lsh_selector, config);
    }
    if (average) nn::store_average_state(*average, config);
    w.add_config(config);
    nn::add_network_sections(w, network);
    nn::add_trainer_sections(w, trainer);
    if (average) nn::add_average_sections(w, *average);
    if (auto* lsh_selector = dynamic_cast<nn::LshSelector*>(selector.get())) {
      nn::add_lsh_state_sections(w, *lsh_selector);
    }
    nn::add_label_counts(w, label_counts);
    keep_previous();
    w.commit();
    have_checkpoint = true;
    checkpoint_step = trainer.step();
    if (o.checkpoint_model) {
      model::ModelWriter snapshot(o.output, model::kKindXc);
      write_model(snapshot);
    }
    last_checkpoint = Clock::now();
    paused_seconds += seconds_between(t0, last_checkpoint);
  };

  SparseDataset epoch_data;  // the training data with dropped features (--input-dropout)

  // Fault injection for the tests (tests/cli/xc_divergence.sh): SLIDE_TEST_NAN_AFTER_BATCH=N
  // puts a NaN into the output weights after batch N, as a diverging update would.
  const std::uint64_t nan_after_batch = [] {
    const char* text = std::getenv("SLIDE_TEST_NAN_AFTER_BATCH");
    return text ? std::strtoull(text, nullptr, 10) : 0ull;
  }();

  cli::ProgressMeter meter(stderr, "examples", quiet);
  const double total_examples = static_cast<double>(o.epochs) * static_cast<double>(train.size());
  const std::uint64_t first_epoch = trainer.epoch();
  int signal_seen = 0;
  double last_loss = 0, last_active = 0;
  const auto checkpoint_interval = std::chrono::duration<double>(o.checkpoint_minutes * 60.0);
  for (std::uint64_t epoch = first_epoch; epoch < o.epochs; ++epoch) {
    if (o.input_dropout > 0) epoch_data = drop_features(train, o.input_dropout, common.seed, epoch);
    nn::TrainStats stats;
    try {
    stats = trainer.train_epoch(o.input_dropout > 0 ? epoch_data : train, [&](const nn::TrainProgress& p) {
      last_loss = p.loss;
      last_active = p.active;
      const Clock::time_point now = Clock::now();
      if (log.is_open()) {
        log << p.step << '\t' << fixed(seconds_between(train_start, now) - paused_seconds, 3) << '\t'
            << fixed(seconds_between(wall_start, now), 3) << '\t' << fixed(p.loss, 6) << "\t\t\t\t"
            << fixed(p.active, 1) << '\n';
        log.flush();  // for whoever follows the log (a batch takes milliseconds at least)
      }
      const double done = static_cast<double>(epoch - first_epoch) * train.size() + p.examples_done;
      meter.update(done, total_examples - static_cast<double>(first_epoch) * train.size(),
                   {{"epoch", std::to_string(epoch + 1) + "/" + std::to_string(o.epochs)},
                    {"loss", fixed(p.loss, 4)},
                    {"active", fixed(p.active, 0)}});
      // A NaN gradient reaches the bias of every row it reaches (the bias gradient is the
      // row's delta): the biases are a cheap per-batch sentinel for weights gone NaN or infinite,
      // on top of the finite-loss check of the trainer and the full check before every write.
      if (nan_after_batch != 0 && p.step == nan_after_batch) {
        network.output_weights().data()[0] = std::numeric_limits<float>::quiet_NaN();
      }
      if (!nn::biases_are_finite(network)) {
        throw DivergenceError("training diverged: the weights are not finite after batch " +
                              std::to_string(p.step));
      }
      if (average && epoch >= average_first_epoch && p.step % o.average_every == 0) {
        average->add(network);
      }
      if (const int sig = cli::interrupt_signal()) {
        signal_seen = sig;
        save_checkpoint();
        return false;
      }
      if ((o.checkpoint_minutes > 0 && now - last_checkpoint >= checkpoint_interval) ||
          (o.checkpoint_batches > 0 && p.step % o.checkpoint_batches == 0)) {
        save_checkpoint();
      }
      return true;
    });
    } catch (const DivergenceError& e) {
      throw DivergenceError(divergence_message(e.what()));
    }
    if (signal_seen) {
      if (!quiet) std::cerr << "\n";
      if (log.is_open()) log.flush();
      throw InterruptedError(signal_seen, "interrupted; checkpoint saved to " + checkpoint_path +
                                              " (continue with --resume)");
    }
    const Clock::time_point t0 = Clock::now();
    std::string eval_text;
    if (eval_truth) {
      const EvalResult r = evaluate(network, *eval_features, *eval_truth, environment->threads());
      eval_text = "P@1 " + fixed(r.p1, 4) + "  P@3 " + fixed(r.p3, 4) + "  P@5 " + fixed(r.p5, 4);
      if (log.is_open()) {
        const Clock::time_point now = Clock::now();
        log << trainer.step() << '\t'
            << fixed(seconds_between(train_start, t0) - paused_seconds, 3) << '\t'
            << fixed(seconds_between(wall_start, now), 3) << '\t' << fixed(stats.mean_loss(), 6)
            << '\t' << fixed(r.p1, 6) << '\t' << fixed(r.p3, 6) << '\t' << fixed(r.p5, 6) << '\t'
            << fixed(stats.mean_active(), 1) << '\n';
      }
    }
    paused_seconds += seconds_between(t0, Clock::now());
    if (log.is_open()) log.flush();
    if (!quiet) {
      meter.update(static_cast<double>(epoch + 1 - first_epoch) * train.size(),
                   total_examples - static_cast<double>(first_epoch) * train.size(),
                   {{"epoch", std::to_string(epoch + 1) + "/" + std::to_string(o.epochs)},
                    {"loss", fixed(last_loss, 4)},
                    {"active", fixed(last_active, 0)}});
      std::fprintf(stderr, "%sepoch %llu: mean loss %.4f, active %.0f%s%s\n",
                   meter.is_terminal() ? "\n" : "", static_cast<unsigned long long>(epoch + 1),
                   stats.mean_loss(), stats.mean_active(), eval_text.empty() ? "" : ", ",
                   eval_text.c_str());
    }
    if (epoch + 1 < o.epochs) {
      save_checkpoint();
      // A signal during the evaluation or the checkpoint: that checkpoint is the place to stop.
      if (const int sig = cli::interrupt_signal()) {
        throw InterruptedError(sig, "interrupted; checkpoint saved to " + checkpoint_path +
                                        " (continue with --resume)");
      }
    }
  }
  meter.finish(total_examples - static_cast<double>(first_epoch) * train.size(),
               {{"epoch", std::to_string(o.epochs) + "/" + std::to_string(o.epochs)},
                {"loss", fixed(last_loss, 4)},
                {"active", fixed(last_active, 0)}});

  if (average) {
    average->add(network);  // the final weights are always one of the snapshots
    average->store_into(network);
    if (eval_truth && !quiet) {
      const EvalResult r = evaluate(network, *eval_features, *eval_truth, environment->threads());
      std::fprintf(stderr, "mean of %llu snapshots of the last %llu epochs: P@1 %.4f  P@3 %.4f  P@5 %.4f\n",
                   static_cast<unsigned long long>(average->count()),
                   static_cast<unsigned long long>(average_epochs), r.p1, r.p3, r.p5);
    }
  }

  try {
    require_finite();
  } catch (const DivergenceError& e) {
    throw DivergenceError(divergence_message(e.what()));
  }
  write_model(*writer);
  // The model supersedes the checkpoint.
  std::error_code ignored;
  std::filesystem::remove(checkpoint_path, ignored);
  std::filesystem::remove(previous_path, ignored);
  if (!quiet) std::cerr << "model written to " << o.output << "\n";
  return cli::kExitOk;
}

}  // namespace slide::xc_app
