// slide-w2v train: the vocabulary pass, training, and writing the vectors.

#include <sys/stat.h>

#include <array>
#include <boost/program_options.hpp>
#include <chrono>
#include <filesystem>
#include <csignal>
#include <fstream>
#include <optional>
#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "common/cli_common.h"
#include "common/exit_codes.h"
#include "common/memory_size.h"
#include "common/progress_meter.h"
#include "slide-w2v/commands.h"
#include "slide/core/error.h"
#include "slide/io/output.h"
#include "slide/io/output.h"
#include "slide/text/vocabulary.h"
#include "slide/w2v/checkpoint.h"
#include "slide/w2v/trainer.h"
#include "slide/w2v/vectors_io.h"

namespace po = boost::program_options;

namespace slide::cli::w2v_app {

std::vector<std::string> translate_word2vec_flags(std::vector<std::string> args) {
  static constexpr std::array<const char*, 16> kFlags = {
      "train", "output", "size", "window", "sample", "hs", "negative", "threads",
      "iter", "min-count", "alpha", "binary", "cbow", "save-vocab", "read-vocab", "debug"};
  for (std::string& arg : args) {
    if (arg.size() < 2 || arg[0] != '-' || arg[1] == '-') continue;
    for (const char* flag : kFlags) {
      if (arg.compare(1, std::string::npos, flag) == 0) {
        arg = "-" + arg;
        break;
      }
    }
  }
  return args;
}

namespace {

std::string format_fixed(double value, int decimals) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, value);
  return buffer;
}

}  // namespace

int train_command(std::vector<std::string> args) {
  args = translate_word2vec_flags(std::move(args));
  CommonOptions common;
  w2v::TrainerOptions t;
  std::string input, output, save_vocab, read_vocab, model = "cbow", loss, format_name;
  std::string checkpoint_path, resume_path, max_memory;
  std::uint64_t stop_after_words = 0;
  int cbow = -1, hs = -1, binary = -1, debug = 0;
  std::uint64_t min_count = 5;
  std::size_t max_vocab = 0;
  std::size_t epochs = 0, dim = 0;

  po::options_description io_options("Input and output");
  io_options.add_options()
      ("input,i", po::value(&input)->value_name("CORPUS"),
       "the corpus: text, gzip, zstd, bzip2 or xz; - is standard input (needs --read-vocab and "
       "--iter 1)")
      ("train", po::value(&input)->value_name("CORPUS"), "the same as --input (word2vec's -train)")
      ("output,o", po::value(&output)->value_name("VECTORS"),
       "where to write the vectors; - is standard output")
      ("format", po::value(&format_name)->value_name("FORMAT"),
       "w2v-text (default), w2v-bin or vec (fastText)")
      ("binary", po::value(&binary)->value_name("0|1"), "1: --format w2v-bin (word2vec's -binary)")
      ("save-vocab", po::value(&save_vocab)->value_name("FILE"),
       "write the vocabulary as 'word count' lines")
      ("read-vocab", po::value(&read_vocab)->value_name("FILE"),
       "take the vocabulary from FILE instead of a pass over the corpus")
      ("checkpoint", po::value(&checkpoint_path)->value_name("FILE"),
       "where SIGINT/SIGTERM during training saves the run (default: VECTORS.checkpoint)")
      ("resume", po::value(&resume_path)->value_name("FILE"),
       "continue the run saved in FILE (give the same training options)")
      ("max-memory", po::value(&max_memory)->value_name("SIZE"),
       "refuse to start when the estimated memory exceeds SIZE (e.g. 800M, 16G)")
      ("stop-after-words", po::value(&stop_after_words)->value_name("N"),
       "for tests: stop as SIGINT would once N words are read (checkpoint, exit 130)");
  po::options_description model_options("Model");
  model_options.add_options()
      ("model", po::value(&model)->value_name("NAME"), "cbow (default) or skipgram")
      ("cbow", po::value(&cbow)->value_name("0|1"), "1: CBOW, 0: skip-gram (word2vec's -cbow)")
      ("loss", po::value(&loss)->value_name("NAME"),
       "output layer: ns (negative sampling, default), hs (hierarchical softmax), hs+ns (both, "
       "as word2vec's -hs 1 -negative N), softmax (exact, slow) or lsh (LSH-sampled softmax)")
      ("hs", po::value(&hs)->value_name("0|1"),
       "word2vec's -hs: 1 adds hierarchical softmax; with --negative 0 it is hs only, otherwise "
       "both output layers are trained (--loss hs+ns)")
      ("size", po::value(&dim)->value_name("N"), "vector dimension (default 100)")
      ("dim", po::value(&dim)->value_name("N"), "the same as --size")
      ("window", po::value(&t.window)->value_name("N"), "maximum context distance (default 5)")
      ("negative", po::value(&t.negative)->value_name("N"),
       "negative samples per target with --loss ns or hs+ns (default 5); 0 only with --hs 1")
      ("sample", po::value(&t.sample)->value_name("X"),
       "subsampling threshold of frequent words; 0 disables (default 1e-3)")
      ("alpha", po::value(&t.alpha)->value_name("X"),
       "starting learning rate (default 0.025 skip-gram, 0.05 CBOW)")
      ("iter", po::value(&epochs)->value_name("N"), "epochs (default 5)")
      ("epochs", po::value(&epochs)->value_name("N"), "the same as --iter")
      ("min-count", po::value(&min_count)->value_name("N"),
       "drop words seen fewer times (default 5)")
      ("max-vocab", po::value(&max_vocab)->value_name("N"),
       "keep at most N words, the most frequent (default 0: no limit)")
      ("lsh-tables", po::value(&t.lsh_tables)->value_name("L"),
       "--loss lsh: hash tables (default 16)")
      ("lsh-bits", po::value(&t.lsh_bits)->value_name("K"),
       "--loss lsh: SimHash bits per table (default 6)")
      ("lsh-active", po::value(&t.lsh_active)->value_name("N"),
       "--loss lsh: output rows per step from the tables, the target included (default 16)")
      ("lsh-rebuild", po::value(&t.lsh_rebuild_words)->value_name("WORDS"),
       "--loss lsh: words between rebuilds of the tables (default 200000)")
      ("lsh-negatives", po::value(&t.lsh_negatives)->value_name("N"),
       "--loss lsh: unigram^0.75 draws added to each active set (default 5)")
      ("lsh-correction", po::value(&t.lsh_correction)->value_name("0|1"),
       "--loss lsh: 1 subtracts log(expected count) from the drawn rows' scores (default 0)")
      ("debug", po::value(&debug)->value_name("N"), "accepted for word2vec compatibility; ignored");
  po::options_description all(
      "Usage: slide-w2v [train] -i CORPUS -o VECTORS [options]\n"
      "       slide-w2v analogy|similarity|nearest --help\n\n"
      "Trains word vectors (word2vec's single-dash flags are accepted too)");
  all.add(io_options).add(model_options).add(common_options_description(common));
  po::variables_map vm;
  const auto environment = parse_command_line("slide-w2v", args, all, common, vm);
  if (!environment) return int(kExitOk);

  t.architecture = w2v::parse_architecture(model);
  if (cbow >= 0) {
    if (vm.count("model")) throw UsageError("give --model or --cbow, not both");
    t.architecture = cbow ? w2v::Architecture::cbow : w2v::Architecture::skipgram;
  }
  // word2vec.c: -hs and -negative are independent; -hs 1 with -negative N > 0 (its default is 5)
  // trains both output layers, -hs 1 -negative 0 the tree only, -hs 0 -negative 0 nothing.
  const bool negative_zero = vm.count("negative") && t.negative == 0;
  if (!loss.empty()) {
    t.loss = w2v::parse_output_loss(loss);
    const bool with_tree = t.loss == w2v::OutputLoss::hierarchical_softmax ||
                           t.loss == w2v::OutputLoss::hs_and_ns;
    if (hs == 1 && t.loss == w2v::OutputLoss::negative_sampling) {
      t.loss = w2v::OutputLoss::hs_and_ns;
    } else if (hs == 1 && !with_tree) {
      throw UsageError("--hs 1 contradicts --loss " + loss);
    } else if (hs == 0 && with_tree) {
      throw UsageError("--hs 0 contradicts --loss " + loss);
    }
  } else if (hs == 1) {
    t.loss = negative_zero ? w2v::OutputLoss::hierarchical_softmax : w2v::OutputLoss::hs_and_ns;
  } else if (negative_zero) {
    throw UsageError("--negative 0 without --hs 1 trains no output layer (word2vec would leave "
                     "the vectors random): give --hs 1 or a positive --negative");
  }
  if (dim) t.dim = dim;
  if (epochs) t.epochs = epochs;
  if (vm.count("iter") && epochs == 0) throw UsageError("--iter must be at least 1");
  if (vm.count("size") + vm.count("dim") && dim == 0) throw UsageError("--size must be at least 1");
  t.seed = common.seed;
  w2v::validate(t);

  w2v::VectorFormat format = w2v::VectorFormat::word2vec_text;
  if (!format_name.empty()) {
    format = w2v::parse_vector_format(format_name);
    if (format == w2v::VectorFormat::automatic) throw UsageError("--format auto is for reading");
    if (binary == 1 && format != w2v::VectorFormat::word2vec_binary) {
      throw UsageError("--binary 1 contradicts --format " + format_name);
    }
  } else if (binary == 1) {
    format = w2v::VectorFormat::word2vec_binary;
  }

  if (input.empty()) throw UsageError("no corpus: give --input (-i, -train)");
  if (output.empty()) throw UsageError("no output: give --output (-o, -output)");
  // Standard input, and a FIFO or other stream named as a file, can be read only once: opening a
  // FIFO again for the second pass would wait for a writer forever.
  struct stat input_info {};
  const bool stream_input = input == "-" || (::stat(input.c_str(), &input_info) == 0 &&
                                             !S_ISREG(input_info.st_mode) &&
                                             !S_ISDIR(input_info.st_mode));
  const std::string stream_name = input == "-" ? "standard input" : input + " (not a regular file)";
  if (stream_input && read_vocab.empty()) {
    throw UsageError(
        "training from " + stream_name + " needs --read-vocab: the vocabulary takes a pass over "
        "the corpus before training, and a stream can be read only once");
  }
  if (stream_input && t.epochs > 1) {
    throw UsageError("training from " + stream_name + " allows one epoch only (--iter 1): each "
                     "epoch reads the corpus again");
  }
  if (output == save_vocab && !save_vocab.empty()) {
    throw UsageError("--output and --save-vocab name the same file");
  }

  // Open the output first: a directory that cannot take it fails before any work.
  std::unique_ptr<io::OutputStream> out = io::open_output(output);
  if (format == w2v::VectorFormat::word2vec_binary && out->is_terminal()) {
    throw UsageError("refusing to write binary vectors to a terminal (use --format w2v-text)");
  }
  install_interrupt_handlers();
  auto check_interrupt = [] {
    if (const int sig = interrupt_signal()) {
      throw InterruptedError(sig, "interrupted; no vectors written");
    }
  };

  if (checkpoint_path.empty() && output != "-") checkpoint_path = output + ".checkpoint";
  std::optional<w2v::Checkpoint> resumed;
  if (!resume_path.empty()) {
    resumed = w2v::load_checkpoint(resume_path);
    w2v::check_resume_options(resumed->options, t);
  }

  const bool quiet = common.quiet;
  text::VocabularyOptions vocab_options;
  vocab_options.min_count = min_count;
  vocab_options.max_size = max_vocab;
  text::Vocabulary vocabulary;
  std::uint64_t tokens = 0;
  if (resumed) {
    vocabulary = std::move(resumed->vocabulary);
  } else if (!read_vocab.empty()) {
    vocabulary = text::read_vocab_file(read_vocab, vocab_options);
  } else {
    ProgressMeter meter(stderr, "words", quiet);
    vocabulary = text::learn_vocabulary_file(
        input, vocab_options, &tokens, [&](std::uint64_t, std::uint64_t words) {
          check_interrupt();
          meter.update(double(words), 0, {{"pass", "vocabulary"}});
        });
    if (tokens == 0) {
      throw DataError(input == "-" ? "<stdin>" : input, 0, "a corpus with at least one word");
    }
  }
  bool any = false;
  for (std::size_t i = 1; i < vocabulary.size(); ++i) any |= vocabulary.count(i) > 0;
  if (!any) {
    throw DataError(read_vocab.empty() ? input : read_vocab, 0,
                    "at least one word seen --min-count (" + std::to_string(min_count) +
                        ") times");
  }
  if (!quiet) {
    std::cerr << "Vocab size: " << vocabulary.size() << "\n"
              << "Words in train file: " << vocabulary.total_count() << "\n";
  }
  if (!save_vocab.empty()) text::save_vocab_file(vocabulary, save_vocab);
  if (common.verbose && !quiet) {
    std::cerr << "Model: " << w2v::architecture_name(t.architecture)
              << ", loss: " << w2v::output_loss_name(t.loss) << ", size " << t.dim << ", window "
              << t.window << ", negative " << t.negative << ", sample " << t.sample
              << ", alpha " << t.effective_alpha() << ", epochs " << t.epochs << ", threads "
              << environment->threads() << ", seed " << t.seed << "\n";
  }

  // Refuse before allocating what cannot fit.
  {
    const double estimate = w2v::estimate_training_memory(vocabulary.size(), t,
                                                          std::size_t(environment->threads()));
    if (!max_memory.empty() && estimate > double(cli::parse_memory_size(max_memory))) {
      throw ResourceError("training needs about " + cli::format_bytes(estimate) + ", more than --max-memory " +
                          max_memory);
    }
    if (const std::optional<std::uint64_t> available = cli::available_memory();
        available && estimate > double(*available)) {
      throw ResourceError("training needs about " + cli::format_bytes(estimate) +
                          ", more than the available memory (" + cli::format_bytes(double(*available)) + ")");
    }
  }

  ProgressMeter meter(stderr, "words", quiet);
  const auto start = std::chrono::steady_clock::now();
  const int threads = environment->threads();
  w2v::TrainStats stats;
  w2v::TrainControl control;
  control.stop = [] { return interrupt_signal() != 0; };
  control.stop_after_words = stop_after_words;
  if (resumed) control.resume = &resumed->state;
  w2v::TrainOutcome outcome = w2v::train_word_vectors_resumable(
      vocabulary, w2v::corpus_file_opener(input), t, control,
      [&](const w2v::TrainProgress& p) {
        const double elapsed =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        const double per_thread = elapsed > 0 ? double(p.words_done) / elapsed / threads : 0;
        meter.update(double(p.words_done), double(p.words_total),
                     {{"alpha", format_fixed(p.alpha, 6)},
                      {"words/thread/s", ProgressMeter::format_rate(per_thread)}});
      },
      &stats);
  if (!outcome.finished) {
    const int sig = interrupt_signal() ? interrupt_signal() : SIGINT;
    if (checkpoint_path.empty()) {
      throw InterruptedError(sig, "interrupted; no checkpoint (the output is standard output: "
                                  "give --checkpoint FILE); no vectors written");
    }
    w2v::Checkpoint checkpoint{t, std::move(vocabulary), std::move(outcome.state)};
    w2v::save_checkpoint(checkpoint, checkpoint_path);
    throw InterruptedError(sig, "interrupted; checkpoint written to " + checkpoint_path +
                                    " (continue with --resume " + checkpoint_path +
                                    "); no vectors written");
  }
  w2v::TrainedVectors& vectors = outcome.vectors;
  meter.finish(double(stats.words),
               {{"alpha", format_fixed(t.effective_alpha() * 1e-4, 6)},
                {"words/thread/s",
                 ProgressMeter::format_rate(stats.seconds > 0
                                                ? double(stats.words) / stats.seconds / threads
                                                : 0)}});
  w2v::write_vectors(vocabulary.words(), vectors.input.data(), vectors.dim, vectors.stride, format,
                     io::output_sink(*out));
  out->commit();
  // The vectors supersede the checkpoint of this run (as slide-xc's model does its checkpoint).
  if (!checkpoint_path.empty()) {
    std::error_code ignored;
    std::filesystem::remove(checkpoint_path, ignored);
  }
  return int(kExitOk);
}

}  // namespace slide::cli::w2v_app
