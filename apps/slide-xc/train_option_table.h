#pragma once

// The options of slide-xc train, as Boost.ProgramOptions tables bound to the library's options
// (slide/xc/train_options.h), whose member initializers are the defaults shown in --help.

#include <boost/program_options.hpp>
#include <string>

#include "slide/xc/train_options.h"

namespace slide::xc_app {

// What the command line holds besides the library's options.
struct TrainCommandLine {
  xc::TrainOptions options;
  std::string log;  // --log FILE
  std::string average_epochs = "auto";
  std::string max_memory;
};

// Every train option but the common ones, in its --help group.
void add_train_options(boost::program_options::options_description& all, TrainCommandLine& line);
// After parsing: the options given explicitly, and the values the tables cannot parse.
void finish_train_options(const boost::program_options::variables_map& vm, TrainCommandLine& line);

}  // namespace slide::xc_app
