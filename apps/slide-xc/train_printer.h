#pragma once

// What slide-xc train shows of a run: the progress meter and the per-epoch lines on stderr, and
// the --log TSV (one row per batch and one per evaluation), fed by the library's callbacks.

#include <chrono>
#include <fstream>
#include <optional>
#include <string>

#include "common/progress_meter.h"
#include "slide/xc/trainer.h"

namespace slide::xc_app {

class TrainPrinter {
 public:
  // log_path: the --log file (empty: none), appended to when resuming.
  TrainPrinter(std::string log_path, bool resume, bool quiet, bool verbose);

  // Callbacks printing through this printer (which must outlive them); stop_requested polls
  // SIGINT and SIGTERM.
  xc::TrainCallbacks callbacks();
  // Ends the meter's line after a run stopped within an epoch.
  void end_line() const;

 private:
  void started(const xc::TrainStart& start);
  void batch(const xc::BatchReport& report);
  void epoch(const xc::EpochReport& report);
  double wall_seconds() const;

  std::string log_path_;
  bool resume_, quiet_, verbose_;
  std::chrono::steady_clock::time_point wall_start_;
  std::ofstream log_;
  std::optional<cli::ProgressMeter> meter_;  // from the start of training
};

}  // namespace slide::xc_app
