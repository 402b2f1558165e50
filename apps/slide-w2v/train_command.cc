// slide-w2v train: the vocabulary pass, training, and writing the vectors.

#include <sys/stat.h>

#include <array>
#include <boost/program_options.hpp>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

#include "common/cli_common.h"
#include "common/exit_codes.h"
#include "common/memory_size.h"
#include "common/progress_meter.h"
#include "slide-w2v/commands.h"
#include "slide-w2v/train_options.h"
#include "slide/core/error.h"
#include "slide/io/output.h"
#include "slide/text/vocabulary.h"
#include "slide/w2v/checkpoint.h"
#include "slide/w2v/memory_estimate.h"
#include "slide/w2v/trainer.h"
#include "slide/w2v/vectors_io.h"

namespace po = boost::program_options;

namespace slide::cli::w2v_app {

std::vector<std::string> translate_word2vec_flags(std::vector<std::string> args) {
  static constexpr std::array<const char*, 16> kFlags = {
      "train", "output",    "size",  "window", "sample", "hs",         "negative",   "threads",
      "iter",  "min-count", "alpha", "binary", "cbow",   "save-vocab", "read-vocab", "debug"};
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

// Standard input, and a FIFO or other stream named as a file, can be read only once: opening a
// FIFO again for the second pass would wait for a writer forever.
void check_files(const TrainArgs& a) {
  if (a.input.empty()) throw UsageError("no corpus: give --input (-i, -train)");
  if (a.output.empty()) throw UsageError("no output: give --output (-o, -output)");
  struct stat input_info {};
  const bool stream_input =
      a.input == "-" || (::stat(a.input.c_str(), &input_info) == 0 &&
                         !S_ISREG(input_info.st_mode) && !S_ISDIR(input_info.st_mode));
  const std::string stream_name =
      a.input == "-" ? "standard input" : a.input + " (not a regular file)";
  if (stream_input && a.read_vocab.empty()) {
    throw UsageError("training from " + stream_name +
                     " needs --read-vocab: the vocabulary takes a pass over the corpus before "
                     "training, and a stream can be read only once");
  }
  if (stream_input && a.t.epochs > 1) {
    throw UsageError("training from " + stream_name +
                     " allows one epoch only (--iter 1): each epoch reads the corpus again");
  }
  if (a.output == a.save_vocab && !a.save_vocab.empty()) {
    throw UsageError("--output and --save-vocab name the same file");
  }
}

// The checkpoint's, the --read-vocab file's, or a pass over the corpus; saved if asked.
text::Vocabulary vocabulary_for(const TrainArgs& a, std::optional<w2v::Checkpoint>& resumed,
                                bool quiet) {
  text::VocabularyOptions options;
  options.min_count = a.min_count;
  options.max_size = a.max_vocab;
  text::Vocabulary vocabulary;
  if (resumed) {
    vocabulary = std::move(resumed->vocabulary);
  } else if (!a.read_vocab.empty()) {
    vocabulary = text::read_vocab_file(a.read_vocab, options);
  } else {
    ProgressMeter meter(stderr, "words", quiet);
    std::uint64_t tokens = 0;
    vocabulary = text::learn_vocabulary_file(
        a.input, options, &tokens, [&](std::uint64_t, std::uint64_t words) {
          if (const int sig = interrupt_signal()) {
            throw InterruptedError(sig, "interrupted; no vectors written");
          }
          meter.update(double(words), 0, {{"pass", "vocabulary"}});
        });
    if (tokens == 0) {
      throw DataError(a.input == "-" ? "<stdin>" : a.input, 0, "a corpus with at least one word");
    }
  }
  bool any = false;
  for (std::size_t i = 1; i < vocabulary.size(); ++i) any |= vocabulary.count(i) > 0;
  if (!any) {
    throw DataError(
        a.read_vocab.empty() ? a.input : a.read_vocab, 0,
        "at least one word seen --min-count (" + std::to_string(a.min_count) + ") times");
  }
  if (!quiet) {
    std::cerr << "Vocab size: " << vocabulary.size() << "\n"
              << "Words in train file: " << vocabulary.total_count() << "\n";
  }
  if (!a.save_vocab.empty()) text::save_vocab_file(vocabulary, a.save_vocab);
  return vocabulary;
}

// Trains; a stop saves the checkpoint and ends in InterruptedError.
w2v::TrainOutcome train(TrainArgs& a, text::Vocabulary& vocabulary,
                        std::optional<w2v::Checkpoint>& resumed, int threads, bool quiet) {
  ProgressMeter meter(stderr, "words", quiet);
  const auto start = std::chrono::steady_clock::now();
  w2v::TrainStats stats;
  w2v::TrainControl control;
  control.stop = [] { return interrupt_signal() != 0; };
  control.stop_after_words = a.stop_after_words;
  if (resumed) control.resume = &resumed->state;
  w2v::TrainOutcome outcome = w2v::train_word_vectors_resumable(
      vocabulary, w2v::corpus_file_opener(a.input), a.t, control,
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
    if (a.checkpoint_path.empty()) {
      throw InterruptedError(sig,
                             "interrupted; no checkpoint (the output is standard output: "
                             "give --checkpoint FILE); no vectors written");
    }
    w2v::Checkpoint checkpoint{a.t, std::move(vocabulary), std::move(outcome.state)};
    w2v::save_checkpoint(checkpoint, a.checkpoint_path);
    throw InterruptedError(sig, "interrupted; checkpoint written to " + a.checkpoint_path +
                                    " (continue with --resume " + a.checkpoint_path +
                                    "); no vectors written");
  }
  const double rate = stats.seconds > 0 ? double(stats.words) / stats.seconds / threads : 0;
  meter.finish(double(stats.words), {{"alpha", format_fixed(a.t.effective_alpha() * 1e-4, 6)},
                                     {"words/thread/s", ProgressMeter::format_rate(rate)}});
  return outcome;
}

}  // namespace

int train_command(std::vector<std::string> args) {
  args = translate_word2vec_flags(std::move(args));
  CommonOptions common;
  TrainArgs a;
  po::options_description all(
      "Usage: slide-w2v [train] -i CORPUS -o VECTORS [options]\n"
      "       slide-w2v analogy|similarity|nearest --help\n\n"
      "Trains word vectors (word2vec's single-dash flags are accepted too)");
  all.add(input_output_options(a))
      .add(model_options(a))
      .add(lsh_options(a.t))
      .add(common_options_description(common));
  po::variables_map vm;
  const auto environment = parse_command_line("slide-w2v", args, all, common, vm);
  if (!environment) return int(kExitOk);
  resolve_model(a, vm, common.seed);
  const w2v::VectorFormat format = resolve_format(a);
  check_files(a);

  // Open the output first: a directory that cannot take it fails before any work.
  std::unique_ptr<io::OutputStream> out = io::open_output(a.output);
  if (format == w2v::VectorFormat::word2vec_binary && out->is_terminal()) {
    throw UsageError("refusing to write binary vectors to a terminal (use --format w2v-text)");
  }
  install_interrupt_handlers();
  if (a.checkpoint_path.empty() && a.output != "-") a.checkpoint_path = a.output + ".checkpoint";
  std::optional<w2v::Checkpoint> resumed;
  if (!a.resume_path.empty()) {
    resumed = w2v::load_checkpoint(a.resume_path);
    w2v::check_resume_options(resumed->options, a.t);
  }
  text::Vocabulary vocabulary = vocabulary_for(a, resumed, common.quiet);
  if (common.verbose && !common.quiet) {
    const w2v::TrainerOptions& t = a.t;
    std::cerr << "Model: " << w2v::architecture_name(t.architecture)
              << ", loss: " << w2v::output_loss_name(t.loss) << ", size " << t.dim << ", window "
              << t.window << ", negative " << t.negative << ", sample " << t.sample << ", alpha "
              << t.effective_alpha() << ", epochs " << t.epochs << ", threads "
              << environment->threads() << ", seed " << t.seed << "\n";
  }
  std::optional<std::uint64_t> max_memory;
  if (!a.max_memory.empty()) max_memory = cli::parse_memory_size(a.max_memory);
  w2v::check_training_memory(vocabulary.size(), a.t, std::size_t(environment->threads()),
                             max_memory, a.max_memory);

  w2v::TrainOutcome outcome = train(a, vocabulary, resumed, environment->threads(), common.quiet);
  const w2v::TrainedVectors& vectors = outcome.vectors;
  w2v::write_vectors(vocabulary.words(), vectors.input.data(), vectors.dim, vectors.stride, format,
                     io::output_sink(*out));
  out->commit();
  // The vectors supersede the checkpoint of this run (as slide-xc's model does its checkpoint).
  if (!a.checkpoint_path.empty()) {
    std::error_code ignored;
    std::filesystem::remove(a.checkpoint_path, ignored);
  }
  return int(kExitOk);
}

}  // namespace slide::cli::w2v_app
