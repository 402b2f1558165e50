// slide-xc: extreme multi-label classification. Only this app's files write to stdout.

#include <boost/program_options.hpp>
#include <iostream>
#include <string>
#include <vector>

#include "common/cli_common.h"
#include "common/exit_codes.h"
#include "slide-xc/commands.h"
#include "slide/core/error.h"

namespace po = boost::program_options;
using namespace slide::cli;

int main(int argc, char** argv) {
  return run_main("slide-xc", [&] {
    if (argc >= 2) {
      const std::string command = argv[1];
      const std::vector<std::string> args(argv + 2, argv + argc);
      if (command == "train") return slide::xc_app::run_train(args);
      if (command == "predict") return slide::xc_app::run_predict(args);
      if (command == "test") return slide::xc_app::run_test(args);
    }
    CommonOptions common;
    po::options_description all(
        "Usage: slide-xc train|predict|test [options]\n\n"
        "Extreme multi-label classification with LSH-sampled output layers (SLIDE).\n"
        "  slide-xc train -i TRAIN [-t TEST] -o MODEL   train a model\n"
        "  slide-xc predict -m MODEL -i DATA [-o PRED]  top-k labels of each row\n"
        "  slide-xc test -m MODEL -i DATA               P@k, nDCG@k, PSP@k, PSnDCG@k\n"
        "'slide-xc COMMAND --help' lists a command's options.\n\nOptions");
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
      std::cout << version_line("slide-xc") << "\n";
      return int(kExitOk);
    }
    if (argc >= 2 && argv[1][0] != '-') {
      throw slide::UsageError(std::string("unknown command '") + argv[1] +
                              "' (expected train, predict or test)");
    }
    throw slide::UsageError("a command is needed: train, predict or test");
  });
}
