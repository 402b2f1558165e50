#include "slide-w2v/train_options.h"

#include "slide/core/error.h"

namespace po = boost::program_options;

namespace slide::cli::w2v_app {

// One option per entry of a table (clang-format would run the entries together).
// clang-format off
po::options_description input_output_options(TrainArgs& a) {
  po::options_description d("Input and output");
  d.add_options()
      ("input,i", po::value(&a.input)->value_name("CORPUS"),
       "the corpus: text, gzip, zstd, bzip2 or xz; - is standard input (needs --read-vocab and "
       "--iter 1)")
      ("train", po::value(&a.input)->value_name("CORPUS"), "the same as --input (word2vec's -train)")
      ("output,o", po::value(&a.output)->value_name("VECTORS"),
       "where to write the vectors; - is standard output")
      ("format", po::value(&a.format_name)->value_name("FORMAT"),
       "w2v-text (default), w2v-bin or vec (fastText)")
      ("binary", po::value(&a.binary)->value_name("0|1"), "1: --format w2v-bin (word2vec's -binary)")
      ("save-vocab", po::value(&a.save_vocab)->value_name("FILE"),
       "write the vocabulary as 'word count' lines")
      ("read-vocab", po::value(&a.read_vocab)->value_name("FILE"),
       "take the vocabulary from FILE instead of a pass over the corpus")
      ("checkpoint", po::value(&a.checkpoint_path)->value_name("FILE"),
       "where SIGINT/SIGTERM during training saves the run (default: VECTORS.checkpoint)")
      ("resume", po::value(&a.resume_path)->value_name("FILE"),
       "continue the run saved in FILE (give the same training options)")
      ("max-memory", po::value(&a.max_memory)->value_name("SIZE"),
       "refuse to start when the estimated memory exceeds SIZE (e.g. 800M, 16G)")
      ("stop-after-words", po::value(&a.stop_after_words)->value_name("N"),
       "for tests: stop as SIGINT would once N words are read (checkpoint, exit 130)");
  return d;
}

po::options_description model_options(TrainArgs& a) {
  w2v::TrainerOptions& t = a.t;
  po::options_description d("Model");
  d.add_options()
      ("model", po::value(&a.model)->value_name("NAME"), "cbow (default) or skipgram")
      ("cbow", po::value(&a.cbow)->value_name("0|1"), "1: CBOW, 0: skip-gram (word2vec's -cbow)")
      ("loss", po::value(&a.loss)->value_name("NAME"),
       "output layer: ns (negative sampling, default), hs (hierarchical softmax), hs+ns (both, "
       "as word2vec's -hs 1 -negative N), softmax (exact, slow) or lsh (LSH-sampled softmax)")
      ("hs", po::value(&a.hs)->value_name("0|1"),
       "word2vec's -hs: 1 adds hierarchical softmax; with --negative 0 it is hs only, otherwise "
       "both output layers are trained (--loss hs+ns)")
      ("size", po::value(&a.dim)->value_name("N"), "vector dimension (default 100)")
      ("dim", po::value(&a.dim)->value_name("N"), "the same as --size")
      ("window", po::value(&t.window)->value_name("N"), "maximum context distance (default 5)")
      ("negative", po::value(&t.negative)->value_name("N"),
       "negative samples per target with --loss ns or hs+ns (default 5); 0 only with --hs 1")
      ("sample", po::value(&t.sample)->value_name("X"),
       "subsampling threshold of frequent words; 0 disables (default 1e-3)")
      ("alpha", po::value(&t.alpha)->value_name("X"),
       "starting learning rate (default 0.025 skip-gram, 0.05 CBOW)")
      ("iter", po::value(&a.epochs)->value_name("N"), "epochs (default 5)")
      ("epochs", po::value(&a.epochs)->value_name("N"), "the same as --iter")
      ("min-count", po::value(&a.min_count)->value_name("N"),
       "drop words seen fewer times (default 5)")
      ("max-vocab", po::value(&a.max_vocab)->value_name("N"),
       "keep at most N words, the most frequent (default 0: no limit)")
      ("debug", po::value(&a.debug)->value_name("N"), "accepted for word2vec compatibility; ignored");
  return d;
}
// clang-format on

po::options_description lsh_options(w2v::TrainerOptions& t) {
  po::options_description d("LSH-sampled softmax (--loss lsh)");
  auto add = [&d](const char* name, auto* field, const char* value, const char* help) {
    d.add_options()(name, po::value(field)->value_name(value), help);
  };
  add("lsh-tables", &t.lsh_tables, "L", "hash tables (default 16)");
  add("lsh-bits", &t.lsh_bits, "K", "SimHash bits per table (default 6)");
  add("lsh-active", &t.lsh_active, "N",
      "output rows per step from the tables, the target included (default 16)");
  add("lsh-rebuild", &t.lsh_rebuild_words, "WORDS",
      "words between rebuilds of the tables (default 200000)");
  add("lsh-negatives", &t.lsh_negatives, "N",
      "unigram^0.75 draws added to each active set (default 5)");
  add("lsh-correction", &t.lsh_correction, "0|1",
      "1 subtracts log(expected count) from the drawn rows' scores (default 0)");
  return d;
}

// word2vec.c: -hs and -negative are independent; -hs 1 with -negative N > 0 (its default is 5)
// trains both output layers, -hs 1 -negative 0 the tree only, -hs 0 -negative 0 nothing.
void resolve_model(TrainArgs& a, const po::variables_map& vm, std::uint64_t seed) {
  w2v::TrainerOptions& t = a.t;
  t.architecture = w2v::parse_architecture(a.model);
  if (a.cbow >= 0) {
    if (vm.count("model")) throw UsageError("give --model or --cbow, not both");
    t.architecture = a.cbow ? w2v::Architecture::cbow : w2v::Architecture::skipgram;
  }
  const bool negative_zero = vm.count("negative") && t.negative == 0;
  if (!a.loss.empty()) {
    t.loss = w2v::parse_output_loss(a.loss);
    const bool with_tree = w2v::uses_tree(t.loss);
    if (a.hs == 1 && t.loss == w2v::OutputLoss::negative_sampling) {
      t.loss = w2v::OutputLoss::hs_and_ns;
    } else if (a.hs == 1 && !with_tree) {
      throw UsageError("--hs 1 contradicts --loss " + a.loss);
    } else if (a.hs == 0 && with_tree) {
      throw UsageError("--hs 0 contradicts --loss " + a.loss);
    }
  } else if (a.hs == 1) {
    t.loss = negative_zero ? w2v::OutputLoss::hierarchical_softmax : w2v::OutputLoss::hs_and_ns;
  } else if (negative_zero) {
    throw UsageError(
        "--negative 0 without --hs 1 trains no output layer (word2vec would leave "
        "the vectors random): give --hs 1 or a positive --negative");
  }
  if (a.dim) t.dim = a.dim;
  if (a.epochs) t.epochs = a.epochs;
  if (vm.count("iter") && a.epochs == 0) throw UsageError("--iter must be at least 1");
  if (vm.count("size") + vm.count("dim") && a.dim == 0) {
    throw UsageError("--size must be at least 1");
  }
  t.seed = seed;
  w2v::validate(t);
}

w2v::VectorFormat resolve_format(const TrainArgs& a) {
  if (a.format_name.empty()) {
    return a.binary == 1 ? w2v::VectorFormat::word2vec_binary : w2v::VectorFormat::word2vec_text;
  }
  const w2v::VectorFormat format = w2v::parse_vector_format(a.format_name);
  if (format == w2v::VectorFormat::automatic) throw UsageError("--format auto is for reading");
  if (a.binary == 1 && format != w2v::VectorFormat::word2vec_binary) {
    throw UsageError("--binary 1 contradicts --format " + a.format_name);
  }
  return format;
}

}  // namespace slide::cli::w2v_app
