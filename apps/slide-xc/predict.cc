// slide-xc predict: the top-k labels of each row, streamed.

#include <boost/program_options.hpp>
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "common/cli_common.h"
#include "common/exit_codes.h"
#include "slide-xc/commands.h"
#include "slide-xc/predict_options.h"
#include "slide/core/error.h"
#include "slide/io/output.h"
#include "slide/xc/batch_reader.h"
#include "slide/xc/model.h"
#include "slide/xc/predictions_io.h"
#include "slide/xc/predictor.h"

namespace po = boost::program_options;

namespace slide::xc_app {

int run_predict(const std::vector<std::string>& args) {
  cli::CommonOptions common;
  ModelArgs a;
  std::string output = "-";
  bool header = false;
  po::options_description d("Options");
  add_model_options(d, a);
  d.add_options()("output,o", po::value(&output)->default_value(output)->value_name("FILE"),
                  "predictions (- for stdout)")(
      "top-k,k", po::value(&a.predict.top_k)->default_value(a.predict.top_k)->value_name("K"),
      "labels per row")("header", po::bool_switch(&header),
                        "start with the line `N L` (pyxclib's read_sparse_file)");
  po::options_description all(
      "Usage: slide-xc predict -m MODEL -i DATA [-o PRED|-] [-k 5] [options]\n\n"
      "Write the top-k labels of each row, `label:score` by decreasing score");
  all.add(d).add(cli::common_options_description(common));
  po::variables_map vm;
  const auto environment = cli::parse_command_line("slide-xc", args, all, common, vm);
  if (!environment) return cli::kExitOk;
  finish_model_args(vm, "predict", a);
  if (a.predict.top_k == 0) throw UsageError("--top-k must be positive");
  if (header && a.format == xc::InputFormat::libsvm) {
    throw UsageError("--header needs the row count, which a LIBSVM file does not state");
  }
  if (a.model == "-" && a.input == "-")
    throw UsageError("the model and the data cannot both be stdin");
  a.predict.threads = environment->threads();
  a.predict.seed = common.seed;

  const auto start = std::chrono::steady_clock::now();
  const xc::Model model = xc::Model::load(a.model);
  xc::BatchReader reader(a.input, a.format, model.network().input_dim());
  const xc::Predictor predictor(model, a.predict);
  // Opened after the model and the input: a bad model or input leaves no output file.
  std::unique_ptr<io::OutputStream> out = io::open_output(output);
  xc::PredictionWriter writer(*out);
  if (header) writer.write_header(reader.header_rows(), model.network().output_dim());
  predictor.predict_all(reader, a.batch_rows, [&](const xc::Dataset&, const nn::TopK& top) {
    xc::write_predictions(top, writer);
  });
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

}  // namespace slide::xc_app
