#include "slide-xc/train_option_table.h"

#include <cstdio>
#include <exception>
#include <string_view>

#include "common/memory_size.h"
#include "slide/core/error.h"

namespace po = boost::program_options;

namespace slide::xc_app {
namespace {

// An option read as a name and parsed by the library; the field's value is the default shown.
template <class T, class Parse>
po::typed_value<std::string>* named(T& field, const std::string& shown, Parse parse) {
  return po::value<std::string>()->default_value(shown)->notifier(
      [&field, parse](const std::string& name) { field = parse(name); });
}

// Shortest decimal for a default shown in --help (Boost would print 1.1000000000000001).
std::string format_default(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", value);
  return buffer;
}

po::options_description data_options(xc::TrainOptions& o) {
  po::options_description d("Data");
  d.add_options()("input,i", po::value(&o.input)->value_name("FILE"),
                  "training data (plain, gz, zst, bz2, xz, or - for stdin)")(
      "input-labels", po::value(&o.input_labels)->value_name("FILE"),
      "labels file of the training data (--format split)")(
      "test,t", po::value(&o.test)->value_name("FILE"),
      "test data, evaluated (P@1/3/5 on a random subset) after each epoch")(
      "test-labels", po::value(&o.test_labels)->value_name("FILE"),
      "labels file of the test data (--format split)")(
      "output,o", po::value(&o.output)->value_name("MODEL"), "where to write the model")(
      "format",
      named(o.format, xc::input_format_name(o.format), xc::parse_input_format)->value_name("FMT"),
      "xc, libsvm or split")("skip-bad-rows", po::bool_switch(&o.skip_bad_rows),
                             "skip (and count) malformed rows instead of stopping")(
      "eval-rows", po::value(&o.eval_rows)->default_value(o.eval_rows)->value_name("N"),
      "test rows evaluated after each epoch (a random subset; 0 = none)");
  return d;
}

po::options_description network_options(xc::TrainOptions& o) {
  po::options_description d("Network");
  d.add_options()("preset",
                  po::value<std::string>()->value_name("NAME")->notifier(
                      [&o](const std::string& name) { o.preset = xc::parse_preset(name); }),
                  "published SLIDE settings: amazon670k, delicious200k or wikilshtc325k")(
      "hidden", po::value(&o.hidden)->default_value(o.hidden, "auto")->value_name("N"),
      "hidden layer size (auto: 256 in exact output mode, 128 otherwise)")(
      "output-mode", named(o.output_mode, "auto", xc::parse_output_mode)->value_name("MODE"),
      "auto (exact below 20000 labels, else lsh), exact, lsh or uniform")(
      "precision",
      named(o.precision, xc::precision_name(o.precision), xc::parse_precision)->value_name("P"),
      "fp32, bf16-act (bfloat16 activations) or bf16 (bfloat16 output products)");
  return d;
}

po::options_description hash_options(xc::TrainOptions& o) {
  po::options_description d("LSH and active sets (output modes lsh and uniform)");
  d.add_options()(
      "hash-family",
      named(o.hash_family, lsh::family_name(o.hash_family), lsh::parse_family)->value_name("F"),
      "dwta, wta, simhash or minhash")("k", po::value(&o.k)->default_value(o.k)->value_name("K"),
                                       "hash codes per table")(
      "l", po::value(&o.l)->default_value(o.l)->value_name("L"), "hash tables")(
      "bin-size", po::value(&o.bin_size)->default_value(o.bin_size)->value_name("N"),
      "WTA/DWTA dimensions per bin")(
      "bucket-capacity",
      po::value(&o.bucket_capacity)->default_value(o.bucket_capacity)->value_name("N"),
      "ids per bucket")("bucket-replacement",
                        named(o.bucket_replacement, lsh::replacement_name(o.bucket_replacement),
                              lsh::parse_replacement)
                            ->value_name("R"),
                        "fifo or reservoir")(
      "active-policy",
      named(o.active_policy, lsh::active_policy_name(o.active_policy), lsh::parse_active_policy)
          ->value_name("P"),
      "budget, union, threshold, top-hits, uniform or exact")(
      "active-size", po::value(&o.active_size)->default_value(o.active_size)->value_name("N"),
      "active-set budget (labels included); minimum size for union and threshold")(
      "fill-pool", po::value(&o.fill_pool)->default_value(o.fill_pool, "auto")->value_name("N"),
      "LSH modes: draw the random fill from N ids shared by the batch (0 = from all labels; "
      "auto: 4 x --active-size in lsh output mode)")(
      "min-hits", po::value(&o.min_hits)->default_value(o.min_hits)->value_name("M"),
      "threshold policy: tables an id must be found in")(
      "rebuild-schedule",
      named(o.rebuild_schedule, xc::schedule_name(o.rebuild_schedule), xc::parse_schedule)
          ->value_name("S"),
      "when to rehash: fixed, exponential or on-change")(
      "rehash-period", po::value(&o.rehash_period)->default_value(o.rehash_period)->value_name("N"),
      "batches between rehashes (exponential: the first interval)")(
      "rehash-growth",
      po::value(&o.rehash_growth)
          ->default_value(o.rehash_growth, format_default(o.rehash_growth))
          ->value_name("G"),
      "exponential: interval growth factor")(
      "rehash-max-period",
      po::value(&o.rehash_max_period)->default_value(o.rehash_max_period)->value_name("N"),
      "exponential: largest interval (0 = none)")(
      "change-threshold",
      po::value(&o.change_threshold)
          ->default_value(o.change_threshold, format_default(o.change_threshold))
          ->value_name("F"),
      "on-change: rehash when this fraction of sampled rows changed keys")(
      "rebuild-every", po::value(&o.rebuild_every)->default_value(o.rebuild_every)->value_name("N"),
      "draw new hash functions every N rehashes (0 = never)");
  return d;
}

po::options_description optimisation_options(TrainCommandLine& line) {
  xc::TrainOptions& o = line.options;
  po::options_description d("Optimisation");
  d.add_options()(
      "optimizer",
      named(o.optimizer, xc::optimizer_name(o.optimizer), xc::parse_optimizer)->value_name("O"),
      "adam (lazy: touched rows only, with a skipped row's momentum steps caught up), "
      "lazy-adam (the same without catch-up), dense-adam or sgd")(
      "learning-rate,r",
      po::value(&o.learning_rate)
          ->default_value(o.learning_rate, format_default(o.learning_rate))
          ->value_name("R"),
      "learning rate")("batch-size,b",
                       po::value(&o.batch_size)->default_value(o.batch_size)->value_name("N"),
                       "examples per optimizer step")(
      "epochs,e", po::value(&o.epochs)->default_value(o.epochs)->value_name("N"),
      "passes over the data")(
      "average-epochs",
      po::value(&line.average_epochs)->default_value(line.average_epochs)->value_name("N"),
      "save the mean of the weights over the last N epochs (0 = the last weights; auto = half "
      "the epochs in exact output mode, 0 otherwise)")(
      "input-dropout",
      po::value(&o.input_dropout)->default_value(o.input_dropout, "auto")->value_name("P"),
      "drop each input feature with probability P in every epoch, the rest scaled by 1/(1-P) "
      "(auto: 0.2 in exact output mode, 0 otherwise)")(
      "average-every", po::value(&o.average_every)->default_value(o.average_every)->value_name("N"),
      "batches between the snapshots that are averaged")(
      "linear-support",
      po::value(&o.linear_support)->default_value(o.linear_support)->value_name("S"),
      "a sparse linear path beside the hidden layer: each label reads its S most telling "
      "features straight from the input (0 = no path)")(
      "linear-shortlist",
      po::value(&o.linear_shortlist)->default_value(o.linear_shortlist)->value_name("N"),
      "add to each active set the N labels the linear path scores highest")(
      "linear-rate",
      po::value(&o.linear_rate)
          ->default_value(o.linear_rate, format_default(o.linear_rate))
          ->value_name("R"),
      "AdaGrad rate of the linear path's weights")(
      "linear-init",
      po::value(&o.linear_init)
          ->default_value(o.linear_init, format_default(o.linear_init))
          ->value_name("N"),
      "Euclidean norm of each label's starting linear-path weights");
  return d;
}

po::options_description run_options(TrainCommandLine& line) {
  xc::TrainOptions& o = line.options;
  po::options_description d("Run");
  d.add_options()("log", po::value(&line.log)->value_name("FILE"),
                  "TSV log: batch, train seconds, wall seconds, loss, P@1, P@3, P@5, active size")(
      "checkpoint", po::value(&o.checkpoint)->value_name("FILE"),
      "checkpoint file (default MODEL.ckpt)")(
      "checkpoint-every",
      po::value(&o.checkpoint_minutes)->default_value(o.checkpoint_minutes)->value_name("MIN"),
      "minutes between checkpoints within an epoch (0 = at epoch ends only)")(
      "checkpoint-every-batches",
      po::value(&o.checkpoint_batches)->default_value(o.checkpoint_batches)->value_name("N"),
      "also checkpoint every N batches (0 = off)")(
      "checkpoint-model", po::bool_switch(&o.checkpoint_model),
      "with each checkpoint also write the model so far to MODEL (atomically), for use while "
      "training")("resume", po::bool_switch(&o.resume),
                  "continue from the checkpoint, with its structural options (a flag contradicting "
                  "them is refused)")("max-memory", po::value(&line.max_memory)->value_name("SIZE"),
                                      "refuse to start if the estimate exceeds SIZE (e.g. 8G)");
  return d;
}

// --average-epochs: a count, or "auto" (nullopt).
std::optional<std::uint64_t> parse_average_epochs(const std::string& text) {
  if (text == "auto") return std::nullopt;
  std::uint64_t n = 0;
  std::size_t used = 0;
  try {
    n = std::stoull(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size() || text[0] == '-') {
    throw UsageError("--average-epochs must be a count or auto, not '" + text + "'");
  }
  return n;
}

}  // namespace

void add_train_options(po::options_description& all, TrainCommandLine& line) {
  all.add(data_options(line.options))
      .add(network_options(line.options))
      .add(hash_options(line.options))
      .add(optimisation_options(line))
      .add(run_options(line));
}

void finish_train_options(const po::variables_map& vm, TrainCommandLine& line) {
  xc::TrainOptions& o = line.options;
  for (const auto& [name, value] : vm) {
    if (!value.defaulted()) o.given.insert(name);
  }
  o.average_epochs = parse_average_epochs(line.average_epochs);
  if (!line.max_memory.empty()) o.max_memory = cli::parse_memory_size(line.max_memory);
}

}  // namespace slide::xc_app
