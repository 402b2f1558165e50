#include "slide-xc/train_printer.h"

#include <cstdio>
#include <iostream>
#include <utility>

#include "common/cli_common.h"
#include "slide/core/error.h"

namespace slide::xc_app {
namespace {

std::string fixed(double value, int digits) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", digits, value);
  return text;
}

std::string precision_text(const xc::PrecisionAtK& p) {
  return "P@1 " + fixed(p.p1, 4) + "  P@3 " + fixed(p.p3, 4) + "  P@5 " + fixed(p.p5, 4);
}

cli::ProgressMeter::Fields meter_fields(const xc::BatchReport& r) {
  return {{"epoch", std::to_string(r.epoch + 1) + "/" + std::to_string(r.epochs)},
          {"loss", fixed(r.loss, 4)},
          {"active", fixed(r.active, 0)}};
}

}  // namespace

TrainPrinter::TrainPrinter(std::string log_path, bool resume, bool quiet, bool verbose)
    : log_path_(std::move(log_path)),
      resume_(resume),
      quiet_(quiet),
      verbose_(verbose),
      wall_start_(std::chrono::steady_clock::now()) {}

double TrainPrinter::wall_seconds() const {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - wall_start_).count();
}

xc::TrainCallbacks TrainPrinter::callbacks() {
  xc::TrainCallbacks c;
  c.reading = [this](const std::string& path) {
    if (!quiet_) std::cerr << "reading " << path << "\n";
  };
  c.skipped_rows = [this](const std::string& path, const xc::ReadReport& report) {
    if (quiet_) return;
    std::cerr << "slide-xc: skipped " << report.skipped_rows << " bad row(s) of " << path << "\n";
    for (const std::string& message : report.skipped_messages) std::cerr << "  " << message << "\n";
  };
  c.started = [this](const xc::TrainStart& start) { started(start); };
  c.batch = [this](const xc::BatchReport& report) { batch(report); };
  c.epoch = [this](const xc::EpochReport& report) { epoch(report); };
  c.trained = [this](const xc::BatchReport& last) {
    meter_->finish(last.examples_total, meter_fields(last));
  };
  c.averaged = [this](const xc::AverageReport& average) {
    if (!average.precision || quiet_) return;
    std::fprintf(stderr, "mean of %llu snapshots of the last %llu epochs: %s\n",
                 static_cast<unsigned long long>(average.snapshots),
                 static_cast<unsigned long long>(average.epochs),
                 precision_text(*average.precision).c_str());
  };
  c.stop_requested = [] { return cli::interrupt_signal() != 0; };
  return c;
}

void TrainPrinter::end_line() const {
  if (!quiet_) std::cerr << "\n";
}

void TrainPrinter::started(const xc::TrainStart& start) {
  if (verbose_) std::cerr << "estimated memory: " << start.estimate.text() << "\n";
  if (start.resumed && !quiet_) {
    std::cerr << "resuming from " << start.checkpoint << " at epoch " << start.epoch + 1
              << " (step " << start.step << ")\n";
  }
  if (!log_path_.empty()) {
    log_.open(log_path_, resume_ ? std::ios::app : std::ios::trunc);
    if (!log_) throw OutputCreateError(log_path_, "cannot create the log file");
    if (!resume_) log_ << "batch\ttrain_seconds\twall_seconds\tloss\tp@1\tp@3\tp@5\tactive\n";
  }
  meter_.emplace(stderr, "examples", quiet_);
}

void TrainPrinter::batch(const xc::BatchReport& r) {
  if (log_.is_open()) {
    log_ << r.step << '\t' << fixed(r.train_seconds, 3) << '\t' << fixed(wall_seconds(), 3) << '\t'
         << fixed(r.loss, 6) << "\t\t\t\t" << fixed(r.active, 1) << '\n';
    log_.flush();  // for whoever follows the log (a batch takes milliseconds at least)
  }
  meter_->update(r.examples_done, r.examples_total, meter_fields(r));
}

void TrainPrinter::epoch(const xc::EpochReport& r) {
  if (log_.is_open()) {
    if (r.precision) {
      log_ << r.progress.step << '\t' << fixed(r.progress.train_seconds, 3) << '\t'
           << fixed(wall_seconds(), 3) << '\t' << fixed(r.mean_loss, 6) << '\t'
           << fixed(r.precision->p1, 6) << '\t' << fixed(r.precision->p3, 6) << '\t'
           << fixed(r.precision->p5, 6) << '\t' << fixed(r.mean_active, 1) << '\n';
    }
    log_.flush();
  }
  if (quiet_) return;
  meter_->update(r.progress.examples_done, r.progress.examples_total, meter_fields(r.progress));
  const std::string evaluation = r.precision ? ", " + precision_text(*r.precision) : "";
  std::fprintf(stderr, "%sepoch %llu: mean loss %.4f, active %.0f%s\n",
               meter_->is_terminal() ? "\n" : "",
               static_cast<unsigned long long>(r.progress.epoch + 1), r.mean_loss, r.mean_active,
               evaluation.c_str());
}

}  // namespace slide::xc_app
