// slide-xc train: the command line into the library's trainer (slide/xc/trainer.h), its
// progress onto stderr and the log.

#include <boost/program_options.hpp>
#include <iostream>
#include <string>
#include <vector>

#include "common/cli_common.h"
#include "common/exit_codes.h"
#include "slide-xc/commands.h"
#include "slide-xc/train_option_table.h"
#include "slide-xc/train_printer.h"
#include "slide/core/error.h"
#include "slide/xc/trainer.h"

namespace po = boost::program_options;

namespace slide::xc_app {

int run_train(const std::vector<std::string>& args) {
  cli::CommonOptions common;
  TrainCommandLine line;
  po::options_description all(
      "Usage: slide-xc train -i TRAIN [-t TEST] -o MODEL [options]\n\nTrain a model");
  add_train_options(all, line);
  all.add(cli::common_options_description(common, false));
  po::variables_map vm;
  const auto environment = cli::parse_command_line("slide-xc", args, all, common, vm);
  if (!environment) return cli::kExitOk;
  finish_train_options(vm, line);
  xc::TrainOptions& options = line.options;
  options.seed = common.seed;
  options.threads = environment->threads();

  TrainPrinter printer(line.log, options.resume, common.quiet, common.verbose);
  xc::Trainer trainer(options);
  cli::install_interrupt_handlers();
  const xc::TrainResult result = trainer.run(printer.callbacks());
  if (result.stopped) {
    if (result.stopped_in_epoch) printer.end_line();
    throw InterruptedError(
        cli::interrupt_signal(),
        "interrupted; checkpoint saved to " + result.checkpoint + " (continue with --resume)");
  }
  if (!common.quiet) std::cerr << "model written to " << options.output << "\n";
  return cli::kExitOk;
}

}  // namespace slide::xc_app
