// slide-xc test: a model's predictions, or a prediction file's, scored against the labels of a
// data set.

#include <boost/program_options.hpp>
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "common/cli_common.h"
#include "common/exit_codes.h"
#include "slide-xc/commands.h"
#include "slide-xc/predict_options.h"
#include "slide/core/error.h"
#include "slide/xc/batch_reader.h"
#include "slide/xc/data_files.h"
#include "slide/xc/evaluation.h"
#include "slide/xc/metrics.h"
#include "slide/xc/model.h"
#include "slide/xc/predictor.h"
#include "slide/xc/propensity.h"

namespace po = boost::program_options;

namespace slide::xc_app {
namespace {

struct TestArgs {
  std::string metrics;
  std::string predictions;
  double propensity_a = 0, propensity_b = 0;
  std::string propensity_preset = "generic";
  bool skip_bad_rows = false;
};

void add_test_options(po::options_description& d, ModelArgs& a, TestArgs& t) {
  d.add_options()("input-labels", po::value(&a.input_labels)->value_name("FILE"),
                  "labels file of the data (--format split)")(
      "metrics", po::value(&t.metrics)->value_name("LIST"),
      "e.g. p@1,p@3,p@5,ndcg@5,psp@5 (names p, r, ndcg, psp, psndcg); default P, nDCG, PSP and "
      "PSnDCG at k = 1..5")(
      "propensity",
      po::value(&t.propensity_preset)->default_value(t.propensity_preset)->value_name("SET"),
      "propensity presets for A and B: generic (0.55, 1.5), amazon (0.6, 2.6), wikipedia (0.5, "
      "0.4)")("propensity-a", po::value(&t.propensity_a)->value_name("A"),
              "propensity parameter A")("propensity-b", po::value(&t.propensity_b)->value_name("B"),
                                        "propensity parameter B")(
      "skip-bad-rows", po::bool_switch(&t.skip_bad_rows),
      "skip (and count) malformed rows instead of stopping")(
      "predictions", po::value(&t.predictions)->value_name("FILE"),
      "score this prediction file (slide-xc predict's, napkinXC's or pyxclib's; row i for row i "
      "of the data) instead of a model");
}

void print_results(const std::vector<xc::MetricSpec>& metrics,
                   const xc::MetricsAccumulator& accumulator) {
  std::cout << "Results:\n";
  for (const xc::MetricSpec& m : metrics) {
    std::printf("  %s: %.5f\n", m.name().c_str(), accumulator.value(m));
  }
  std::fflush(stdout);
}

// --predictions: another tool's predictions scored with the same metric code as a model's, so
// that the figures of both compare. The file and the data are read whole (a prediction file is
// only as large as its top-k).
int test_prediction_file(const po::variables_map& vm, const ModelArgs& a, const TestArgs& t) {
  if (!a.model.empty()) throw UsageError("test takes --model (-m) or --predictions, not both");
  if (a.input.empty()) throw UsageError("test needs --input (-i)");
  // A skipped row would pair every later prediction with the wrong labels.
  if (t.skip_bad_rows) throw UsageError("--skip-bad-rows does not go with --predictions");
  for (const char* model_only : {"inference", "active-policy", "active-size", "lsh-k", "lsh-l",
                                 "head-labels", "linear-shortlist", "precision"}) {
    if (vm.count(model_only) && !vm[model_only].defaulted())
      throw UsageError(std::string("--") + model_only + " is about a model's predictions; " +
                       "--predictions scores a file");
  }
  if (a.format == xc::InputFormat::split && a.input_labels.empty()) {
    throw UsageError("--format split needs --input-labels");
  }
  const std::vector<xc::MetricSpec> metrics =
      t.metrics.empty() ? xc::default_metric_list(false) : xc::parse_metric_list(t.metrics);
  for (const xc::MetricSpec& m : metrics) {
    if (m.propensity_scored())
      throw UsageError(m.name() + " needs the training label counts that a model stores; " +
                       "--predictions has none");
  }
  const xc::ReadResult data = xc::load_data({a.input, a.input_labels}, a.format, false);
  const xc::PredictionSet predictions = xc::read_predictions_file(t.predictions);
  print_results(
      metrics, xc::evaluate_predictions(data.data, predictions, t.predictions, xc::max_k(metrics)));
  return cli::kExitOk;
}

// The propensity model when a metric needs one (nullptr otherwise).
std::unique_ptr<xc::Propensity> propensity_for(const std::vector<xc::MetricSpec>& metrics,
                                               const xc::Model& model, const std::string& path,
                                               const xc::PropensityParams& params) {
  const bool have_counts = !model.label_counts().empty() && model.settings().train_points > 0;
  for (const xc::MetricSpec& m : metrics) {
    if (!m.propensity_scored()) continue;
    if (!have_counts) {
      throw UsageError(m.name() + " needs the label counts, which the model " + path +
                       " does not store");
    }
    return std::make_unique<xc::Propensity>(model.label_counts(), model.settings().train_points,
                                            params);
  }
  return nullptr;
}

}  // namespace

int run_test(const std::vector<std::string>& args) {
  cli::CommonOptions common;
  ModelArgs a;
  TestArgs t;
  po::options_description d("Options");
  add_model_options(d, a);
  add_test_options(d, a, t);
  po::options_description all(
      "Usage: slide-xc test -m MODEL -i DATA [--metrics LIST] [options]\n"
      "       slide-xc test --predictions FILE -i DATA [--metrics LIST]\n\n"
      "Score a model's predictions, or a prediction file, against the labels of a data set");
  all.add(d).add(cli::common_options_description(common));
  po::variables_map vm;
  const auto environment = cli::parse_command_line("slide-xc", args, all, common, vm);
  if (!environment) return cli::kExitOk;
  if (vm.count("predictions")) return test_prediction_file(vm, a, t);
  finish_model_args(vm, "test", a);
  xc::PropensityParams params = xc::propensity_preset(t.propensity_preset);
  if (vm.count("propensity-a")) params.a = t.propensity_a;
  if (vm.count("propensity-b")) params.b = t.propensity_b;
  a.predict.threads = environment->threads();
  a.predict.seed = common.seed;

  const xc::Model model = xc::Model::load(a.model);
  const bool have_counts = !model.label_counts().empty() && model.settings().train_points > 0;
  const std::vector<xc::MetricSpec> metrics =
      t.metrics.empty() ? xc::default_metric_list(have_counts) : xc::parse_metric_list(t.metrics);
  const std::unique_ptr<xc::Propensity> propensity =
      propensity_for(metrics, model, a.model, params);
  // Streamed like predict: batches of rows in input order, predicted in parallel, scored as they
  // come; only the metric sums are kept.
  if (a.format == xc::InputFormat::split && a.input_labels.empty()) {
    throw UsageError("--format split needs --input-labels");
  }
  xc::BatchReader reader(a.input, a.format, model.network().input_dim(),
                         {.labels_path = a.input_labels,
                          .skip_bad_rows = t.skip_bad_rows,
                          .num_labels = model.network().output_dim()});
  a.predict.top_k = xc::max_k(metrics);
  const xc::Predictor predictor(model, a.predict);
  xc::MetricsAccumulator accumulator(a.predict.top_k, propensity.get());
  predictor.predict_all(reader, a.batch_rows, [&](const xc::Dataset& batch, const nn::TopK& top) {
    xc::accumulate(accumulator, batch, top);
  });
  if (reader.skipped_rows() > 0 && !common.quiet) {
    std::cerr << "slide-xc: skipped " << reader.skipped_rows() << " bad row(s) of " << a.input
              << "\n";
  }
  print_results(metrics, accumulator);
  return cli::kExitOk;
}

}  // namespace slide::xc_app
