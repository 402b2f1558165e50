#include "slide-xc/predict_options.h"

#include "slide/core/error.h"

namespace po = boost::program_options;

namespace slide::xc_app {

void add_model_options(po::options_description& d, ModelArgs& a) {
  xc::PredictOptions& p = a.predict;
  d.add_options()("model,m", po::value(&a.model)->value_name("MODEL"),
                  "model file written by train")("input,i", po::value(&a.input)->value_name("FILE"),
                                                 "data (plain, gz, zst, bz2, xz, or - for stdin)")(
      "format",
      po::value<std::string>()->default_value("xc")->value_name("FMT")->notifier(
          [&a](const std::string& name) { a.format = xc::parse_input_format(name); }),
      "xc, libsvm or split")(
      "inference",
      po::value<std::string>()->default_value("exact")->value_name("MODE")->notifier(
          [&p](const std::string& name) { p.inference = xc::parse_inference(name); }),
      "exact (score every label) or lsh (score the labels the hash tables return)")(
      "active-policy",
      po::value<std::string>()->value_name("P")->notifier(
          [&p](const std::string& name) { p.active_policy = lsh::parse_active_policy(name); }),
      "lsh inference: budget, union, threshold, top-hits (default: the model's; top-hits for a "
      "model trained in exact mode)")
      // 0 stands for the model's value, as the default does.
      ("active-size", po::value<std::uint32_t>()->value_name("N")->notifier([&p](std::uint32_t n) {
        if (n != 0) p.active_size = n;
      }),
       "lsh inference: candidates per row from the tables (default: the model's; 15% of the "
       "labels for a model trained in exact mode)")(
          "lsh-k", po::value<std::uint32_t>()->value_name("K")->notifier([&p](std::uint32_t k) {
            if (k != 0) p.lsh_k = k;
          }),
          "lsh inference: hash codes per table (default: the model's; 2 for a model trained in "
          "exact "
          "mode)")("lsh-l",
                   po::value<std::uint32_t>()->value_name("L")->notifier([&p](std::uint32_t l) {
                     if (l != 0) p.lsh_l = l;
                   }),
                   "lsh inference: hash tables (default: the model's; 200 for a model trained in "
                   "exact mode)")(
          "head-labels", po::value<std::size_t>()->default_value(0, "auto")->value_name("N"),
          "lsh inference: also score the N most frequent training labels (auto: 10% of the labels "
          "for a model trained in exact mode, else the larger of 1024 and the training active-set "
          "size)")(
          "linear-shortlist",
          po::value(&p.linear_shortlist)->default_value(p.linear_shortlist)->value_name("N"),
          "lsh inference of a model with a linear path (train --linear-support): also score the "
          "N labels the path scores highest")(
          "precision",
          po::value<std::string>()->default_value("auto")->value_name("P")->notifier(
              [&p](const std::string& name) { p.precision = xc::parse_product_precision(name); }),
          "output products: fp32, bf16 (bfloat16 products, float32 sums: about 1.5x faster exact "
          "inference where the CPU has BF16 instructions) or auto (bf16 for a model trained with "
          "--precision bf16, else fp32)")(
          "batch-rows", po::value(&a.batch_rows)->default_value(a.batch_rows)->value_name("N"),
          "rows read and predicted at a time (bounds the memory; the results do not depend on it)");
}

void finish_model_args(const po::variables_map& vm, const std::string& command, ModelArgs& a) {
  if (!vm["head-labels"].defaulted()) a.predict.head_labels = vm["head-labels"].as<std::size_t>();
  if (a.model.empty()) throw UsageError(command + " needs --model (-m)");
  if (a.input.empty()) throw UsageError(command + " needs --input (-i)");
  if (a.batch_rows == 0) throw UsageError("--batch-rows must be positive");
}

}  // namespace slide::xc_app
