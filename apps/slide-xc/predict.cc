// slide-xc predict and test.

#include <boost/program_options.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <numeric>
#include <algorithm>
#include <string>
#include <vector>

#include "common/cli_common.h"
#include "common/exit_codes.h"
#include "slide-xc/commands.h"
#include "slide-xc/data_io.h"
#include "slide-xc/xc_model.h"
#include "slide/core/error.h"
#include "slide/io/output.h"
#include "slide/nn/engine.h"
#include "slide/xc/metrics.h"
#include "slide/xc/predictions_io.h"
#include "slide/xc/propensity.h"

namespace po = boost::program_options;

namespace slide::xc_app {
namespace {

// Rows predicted at a time (--batch-rows): bounds the memory of predict and test whatever the
// input size.
constexpr std::size_t kPredictBatchRows = 8192;

enum class Inference { exact, lsh };

Inference parse_inference(const std::string& name) {
  if (name == "exact") return Inference::exact;
  if (name == "lsh") return Inference::lsh;
  throw UsageError("unknown inference mode '" + name + "' (expected exact or lsh)");
}

// The n most frequent training labels (the model's label counts; without them, the largest output
// biases, which softmax training makes track the log frequencies), ties by id.
std::vector<std::uint32_t> head_label_ids(const LoadedModel& model, std::size_t n) {
  const std::uint32_t labels = model.network->output_dim();
  n = std::min<std::size_t>(n, labels);
  std::vector<std::uint32_t> ids(labels);
  std::iota(ids.begin(), ids.end(), 0u);
  if (n == 0) return {};
  const auto bias = model.network->output_bias();
  const bool counts = model.label_counts.size() == labels;
  auto key = [&](std::uint32_t id) {
    return counts ? static_cast<double>(model.label_counts[id]) : (bias.empty() ? 0.0 : bias[id]);
  };
  std::partial_sort(ids.begin(), ids.begin() + static_cast<std::ptrdiff_t>(n), ids.end(),
                    [&](std::uint32_t x, std::uint32_t y) {
                      const double kx = key(x), ky = key(y);
                      return kx > ky || (kx == ky && x < y);
                    });
  ids.resize(n);
  return ids;
}

// Top-k over a model, exact or through LSH tables built from the model's stored settings.
class ModelPredictor {
 public:
  ModelPredictor(const LoadedModel& model, Inference inference, const nn::LshSelectorConfig& lsh,
                 std::size_t head_labels, bool bf16, std::size_t k, int threads,
                 std::uint64_t seed)
      : predictor_(*model.network, {.top_k = k,
                                    .threads = threads,
                                    .bf16 = bf16,
                                    .seed = seed,
                                    .always_scored = inference == Inference::lsh
                                                         ? head_label_ids(model, head_labels)
                                                         : std::vector<std::uint32_t>{}}) {
    if (inference == Inference::lsh) {
      lsh_ = std::make_unique<nn::LshSelector>(model.network->output_dim(),
                                               model.network->hidden_dim(), lsh);
      lsh_->prepare(*model.network);
    }
  }
  // first_row: the index of rows' first row in the whole input (LSH inference seeds by it).
  nn::TopK predict(const CsrMatrix& rows, std::uint64_t first_row) const {
    return lsh_ ? predictor_.predict_selected(rows, *lsh_, first_row) : predictor_.predict_exact(rows);
  }

 private:
  nn::Predictor predictor_;
  std::unique_ptr<nn::LshSelector> lsh_;
};

struct ModelArgs {
  std::string model, input, input_labels, format = "xc", inference = "exact";
  std::string precision = "auto";
  std::string active_policy;  // empty: the model's
  std::uint32_t active_size = 0;  // 0: the model's
  std::uint32_t lsh_k = 0, lsh_l = 0;  // 0: the model's
  std::size_t head_labels = 0;
  std::size_t batch_rows = kPredictBatchRows;
};

// The model's LSH settings with the inference overrides applied.
// The LSH inference settings: the model's (a model trained in lsh mode: the tables it trained
// with), else, for a model trained in exact mode (below 20,000 labels: no training tables to
// follow), settings measured to stay within a point of exact inference on Bibtex and Delicious
// while scoring a quarter of the labels (docs/PERFORMANCE.md): DWTA with K 2 and L 200, the
// 15% of the labels with the most table hits plus the 10% most frequent labels (their logits owe
// much to the bias, which the hashed weight rows do not carry). Options override either.
struct InferenceLsh {
  nn::LshSelectorConfig config;
  std::size_t head_labels = 0;
};

constexpr double kExactModelTableShare = 0.15;
constexpr double kExactModelHeadShare = 0.10;
// A model trained in lsh mode: its tables plus the labels most frequent in training, as many as
// its training active budget. A model far from converged (an Amazon-670K-shaped one after one
// epoch) puts its correct top predictions almost all among the frequent labels, which its weight
// rows alone hash poorly: its tables alone lost 8.5 points of P@1 against exact inference, the
// tables plus these labels none (docs/PERFORMANCE.md).
constexpr std::size_t kLshModelHeadLabelsMin = 1024;

InferenceLsh inference_lsh(const LoadedModel& model, const ModelArgs& a, const po::variables_map& vm) {
  InferenceLsh out{model.settings.lsh, a.head_labels};
  nn::LshSelectorConfig& c = out.config;
  if (model.settings.output_mode == OutputMode::lsh && vm["head-labels"].defaulted()) {
    out.head_labels = std::min<std::size_t>(
        model.network->output_dim(),
        std::max<std::size_t>(kLshModelHeadLabelsMin, c.active.min_active));
  }
  if (model.settings.output_mode != OutputMode::lsh) {
    const double labels = model.network->output_dim();
    c.tables.k = 2;
    c.tables.l = 200;
    c.active.policy = lsh::ActivePolicy::top_hits;
    const auto from_tables =
        static_cast<std::uint32_t>(std::max(1.0, std::ceil(labels * kExactModelTableShare)));
    c.active.beta = from_tables;
    c.active.min_active = from_tables;
    if (vm["head-labels"].defaulted()) {
      out.head_labels = static_cast<std::size_t>(std::ceil(labels * kExactModelHeadShare));
    }
  }
  if (!a.active_policy.empty()) c.active.policy = lsh::parse_active_policy(a.active_policy);
  if (a.lsh_k != 0) c.tables.k = a.lsh_k;
  if (a.lsh_l != 0) c.tables.l = a.lsh_l;
  if (a.active_size != 0) {
    c.active.beta = a.active_size;
    c.active.min_active = a.active_size;
  }
  return out;
}

void add_model_options(po::options_description& d, ModelArgs& a) {
  d.add_options()
      ("model,m", po::value(&a.model)->value_name("MODEL"), "model file written by train")
      ("input,i", po::value(&a.input)->value_name("FILE"),
       "data (plain, gz, zst, bz2, xz, or - for stdin)")
      ("format", po::value(&a.format)->default_value(a.format)->value_name("FMT"),
       "xc, libsvm or split")
      ("inference", po::value(&a.inference)->default_value(a.inference)->value_name("MODE"),
       "exact (score every label) or lsh (score the labels the hash tables return)")
      ("active-policy", po::value(&a.active_policy)->value_name("P"),
       "lsh inference: budget, union, threshold, top-hits (default: the model's; top-hits for a "
       "model trained in exact mode)")
      ("active-size", po::value(&a.active_size)->value_name("N"),
       "lsh inference: candidates per row from the tables (default: the model's; 15% of the "
       "labels for a model trained in exact mode)")
      ("lsh-k", po::value(&a.lsh_k)->value_name("K"),
       "lsh inference: hash codes per table (default: the model's; 2 for a model trained in exact "
       "mode)")
      ("lsh-l", po::value(&a.lsh_l)->value_name("L"),
       "lsh inference: hash tables (default: the model's; 200 for a model trained in exact mode)")
      ("head-labels", po::value(&a.head_labels)->default_value(a.head_labels, "auto")->value_name("N"),
       "lsh inference: also score the N most frequent training labels (auto: 10% of the labels "
       "for a model trained in exact mode, else the larger of 1024 and the training active-set "
       "size)")
      ("precision", po::value(&a.precision)->default_value(a.precision)->value_name("P"),
       "output products: fp32, bf16 (bfloat16 products, float32 sums: about 1.5x faster exact "
       "inference where the CPU has BF16 instructions) or auto (bf16 for a model trained with "
       "--precision bf16, else fp32)")
      ("batch-rows", po::value(&a.batch_rows)->default_value(a.batch_rows)->value_name("N"),
       "rows read and predicted at a time (bounds the memory; the results do not depend on it)");
}

// --precision: auto follows the precision the model was trained with.
enum class ProductPrecision { automatic, fp32, bf16 };

ProductPrecision parse_product_precision(const std::string& name) {
  if (name == "auto") return ProductPrecision::automatic;
  if (name == "fp32") return ProductPrecision::fp32;
  if (name == "bf16") return ProductPrecision::bf16;
  throw UsageError("unknown --precision '" + name + "' (expected auto, fp32 or bf16)");
}

bool use_bf16_products(const LoadedModel& model, ProductPrecision precision) {
  if (precision == ProductPrecision::automatic) {
    return model.settings.precision == nn::Precision::bf16_weights;
  }
  return precision == ProductPrecision::bf16;
}

}  // namespace

int run_predict(const std::vector<std::string>& args) {
  cli::CommonOptions common;
  ModelArgs a;
  std::string output = "-";
  std::size_t k = 5;
  bool header = false;
  po::options_description d("Options");
  add_model_options(d, a);
  d.add_options()
      ("output,o", po::value(&output)->default_value(output)->value_name("FILE"),
       "predictions (- for stdout)")
      ("top-k,k", po::value(&k)->default_value(k)->value_name("K"), "labels per row")
      ("header", po::bool_switch(&header), "start with the line `N L` (pyxclib's read_sparse_file)");
  po::options_description all(
      "Usage: slide-xc predict -m MODEL -i DATA [-o PRED|-] [-k 5] [options]\n\n"
      "Write the top-k labels of each row, `label:score` by decreasing score");
  all.add(d).add(cli::common_options_description(common));
  po::variables_map vm;
  const auto environment = cli::parse_command_line("slide-xc", args, all, common, vm);
  if (!environment) return cli::kExitOk;
  if (a.model.empty()) throw UsageError("predict needs --model (-m)");
  if (a.input.empty()) throw UsageError("predict needs --input (-i)");
  if (k == 0) throw UsageError("--top-k must be positive");
  if (a.batch_rows == 0) throw UsageError("--batch-rows must be positive");
  const InputFormat format = parse_input_format(a.format);
  const Inference inference = parse_inference(a.inference);
  const ProductPrecision precision = parse_product_precision(a.precision);
  if (header && format == InputFormat::libsvm) {
    throw UsageError("--header needs the row count, which a LIBSVM file does not state");
  }
  if (a.model == "-" && a.input == "-") throw UsageError("the model and the data cannot both be stdin");

  const auto start = std::chrono::steady_clock::now();
  const LoadedModel model = load_model(a.model);
  BatchReader reader(a.input, format, model.network->input_dim());
  const InferenceLsh lsh = inference_lsh(model, a, vm);
  const ModelPredictor predictor(model, inference, lsh.config, lsh.head_labels,
                                 use_bf16_products(model, precision), k, environment->threads(),
                                 common.seed);
  // Opened after the model and the input: a bad model or input leaves no output file.
  std::unique_ptr<io::OutputStream> out = io::open_output(output);
  xc::PredictionWriter writer(*out);
  if (header) writer.write_header(reader.header_rows(), model.network->output_dim());
  xc::Dataset batch;
  std::vector<xc::Prediction> row;
  while (reader.next(a.batch_rows, batch)) {
    const nn::TopK top = predictor.predict(features_of(batch), reader.rows_read() - batch.rows());
    for (std::size_t i = 0; i < top.rows; ++i) {
      row.clear();
      const auto ids = top.row_ids(i);
      const auto scores = top.row_scores(i);
      for (std::size_t j = 0; j < ids.size(); ++j) {
        if (ids[j] != nn::kNoLabel) row.push_back({ids[j], scores[j]});
      }
      xc::rank_predictions(row);
      writer.write_row(row);
    }
  }
  writer.finish();
  out->commit();
  if (common.verbose) {
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::fprintf(stderr, "%llu rows predicted in %.2f s\n",
                 static_cast<unsigned long long>(reader.rows_read()), seconds);
  }
  return cli::kExitOk;
}

int run_test(const std::vector<std::string>& args) {
  cli::CommonOptions common;
  ModelArgs a;
  std::string metrics_text;
  double prop_a = 0, prop_b = 0;
  std::string prop_preset = "generic";
  bool skip_bad_rows = false;
  po::options_description d("Options");
  add_model_options(d, a);
  d.add_options()
      ("input-labels", po::value(&a.input_labels)->value_name("FILE"),
       "labels file of the data (--format split)")
      ("metrics", po::value(&metrics_text)->value_name("LIST"),
       "e.g. p@1,p@3,p@5,ndcg@5,psp@5 (names p, r, ndcg, psp, psndcg); default P, nDCG, PSP and "
       "PSnDCG at k = 1..5")
      ("propensity", po::value(&prop_preset)->default_value(prop_preset)->value_name("SET"),
       "propensity presets for A and B: generic (0.55, 1.5), amazon (0.6, 2.6), wikipedia (0.5, 0.4)")
      ("propensity-a", po::value(&prop_a)->value_name("A"), "propensity parameter A")
      ("propensity-b", po::value(&prop_b)->value_name("B"), "propensity parameter B")
      ("skip-bad-rows", po::bool_switch(&skip_bad_rows),
       "skip (and count) malformed rows instead of stopping");
  po::options_description all(
      "Usage: slide-xc test -m MODEL -i DATA [--metrics LIST] [options]\n\n"
      "Score a model's predictions against the labels of a data set");
  all.add(d).add(cli::common_options_description(common));
  po::variables_map vm;
  const auto environment = cli::parse_command_line("slide-xc", args, all, common, vm);
  if (!environment) return cli::kExitOk;
  if (a.model.empty()) throw UsageError("test needs --model (-m)");
  if (a.input.empty()) throw UsageError("test needs --input (-i)");
  const InputFormat format = parse_input_format(a.format);
  const Inference inference = parse_inference(a.inference);
  const ProductPrecision precision = parse_product_precision(a.precision);
  if (a.batch_rows == 0) throw UsageError("--batch-rows must be positive");
  xc::PropensityParams params = xc::propensity_preset(prop_preset);
  if (vm.count("propensity-a")) params.a = prop_a;
  if (vm.count("propensity-b")) params.b = prop_b;

  const LoadedModel model = load_model(a.model);
  const bool have_counts = !model.label_counts.empty() && model.settings.train_points > 0;
  std::vector<xc::MetricSpec> metrics =
      metrics_text.empty() ? xc::default_metric_list(have_counts) : xc::parse_metric_list(metrics_text);
  std::unique_ptr<xc::Propensity> propensity;
  for (const xc::MetricSpec& m : metrics) {
    if (!m.propensity_scored()) continue;
    if (!have_counts) {
      throw UsageError(m.name() + " needs the label counts, which the model " + a.model +
                       " does not store");
    }
    propensity = std::make_unique<xc::Propensity>(model.label_counts, model.settings.train_points,
                                                  params);
    break;
  }
  // Streamed like predict: batches of rows in input order, predicted in parallel, scored as they
  // come; only the metric sums are kept.
  if (format == InputFormat::split && a.input_labels.empty()) {
    throw UsageError("--format split needs --input-labels");
  }
  BatchReader reader(a.input, format, model.network->input_dim(),
                     {.labels_path = a.input_labels, .skip_bad_rows = skip_bad_rows,
                      .num_labels = model.network->output_dim()});
  const std::uint32_t k = xc::max_k(metrics);
  const InferenceLsh lsh = inference_lsh(model, a, vm);
  const ModelPredictor predictor(model, inference, lsh.config, lsh.head_labels,
                                 use_bf16_products(model, precision), k, environment->threads(),
                                 common.seed);
  xc::MetricsAccumulator acc(k, propensity.get());
  std::vector<std::uint32_t> ranked;
  xc::Dataset batch;
  while (reader.next(a.batch_rows, batch)) {
    const nn::TopK top = predictor.predict(features_of(batch), reader.rows_read() - batch.rows());
    for (std::size_t i = 0; i < top.rows; ++i) {
      ranked.clear();
      for (std::uint32_t id : top.row_ids(i)) {
        if (id != nn::kNoLabel) ranked.push_back(id);
      }
      acc.add(batch.labels(i), ranked);
    }
  }
  if (reader.skipped_rows() > 0 && !common.quiet) {
    std::cerr << "slide-xc: skipped " << reader.skipped_rows() << " bad row(s) of " << a.input
              << "\n";
  }
  std::cout << "Results:\n";
  for (const xc::MetricSpec& m : metrics) {
    std::printf("  %s: %.5f\n", m.name().c_str(), acc.value(m));
  }
  std::fflush(stdout);
  return cli::kExitOk;
}

}  // namespace slide::xc_app
