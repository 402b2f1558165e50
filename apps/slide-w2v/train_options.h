#pragma once

// The options of slide-w2v train: the command line's table (word2vec's flags among them) and
// their resolution into the library's TrainerOptions.

#include <boost/program_options.hpp>
#include <cstdint>
#include <string>

#include "slide/w2v/options.h"
#include "slide/w2v/vectors_io.h"

namespace slide::cli::w2v_app {

// The command line, before its word2vec-style flags are resolved into the trainer's options.
struct TrainArgs {
  w2v::TrainerOptions t;
  std::string input, output, save_vocab, read_vocab, model = "cbow", loss, format_name;
  std::string checkpoint_path, resume_path, max_memory;
  std::uint64_t stop_after_words = 0;
  int cbow = -1, hs = -1, binary = -1, debug = 0;
  std::uint64_t min_count = 5;
  std::size_t max_vocab = 0;
  std::size_t epochs = 0, dim = 0;
};

boost::program_options::options_description input_output_options(TrainArgs& a);
boost::program_options::options_description model_options(TrainArgs& a);
boost::program_options::options_description lsh_options(w2v::TrainerOptions& t);
// The architecture, the output layers (word2vec's -hs/-negative rules), sizes and epochs into
// a.t; UsageError for contradictions.
void resolve_model(TrainArgs& a, const boost::program_options::variables_map& vm,
                   std::uint64_t seed);
// --format and --binary.
w2v::VectorFormat resolve_format(const TrainArgs& a);

}  // namespace slide::cli::w2v_app
