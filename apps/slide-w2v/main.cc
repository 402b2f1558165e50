// slide-w2v: word vectors from a text corpus. Only this file writes to stdout.

#include <boost/program_options.hpp>
#include <iostream>

#include "common/cli_common.h"
#include "common/exit_codes.h"
#include "slide/core/error.h"

namespace po = boost::program_options;
using namespace slide::cli;

int main(int argc, char** argv) {
  return run_main("slide-w2v", [&] {
    CommonOptions common;
    po::options_description all("Usage: slide-w2v [options]\n\nTrains word vectors");
    all.add(common_options_description(common));
    po::variables_map vm;
    po::store(po::parse_command_line(argc, argv, all), vm);
    if (vm.count("help")) {
      std::cout << all << "\n";
      return int(kExitOk);
    }
    po::notify(vm);
    RunEnvironment environment(common);
    if (vm.count("version")) {
      std::cout << version_line("slide-w2v") << "\n";
      return int(kExitOk);
    }
    throw slide::UsageError("training is not available yet in this version");
  });
}
