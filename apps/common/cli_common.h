#pragma once

// What both executables share: the version line, the common options, and the top-level
// driver that turns exceptions into one line on stderr and an exit code.

#include <boost/program_options/options_description.hpp>
#include <boost/program_options/variables_map.hpp>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace slide::cli {

// "slide-xc 0.1.0 (kernels: avx512-bf16; oneTBB 2021.8; Boost 1.74)"
std::string version_line(const std::string& program);

// --help, --version, --threads, --seed, --quiet, --verbose, --kernels.
struct CommonOptions {
  int threads = 0;
  unsigned long long seed = 0;
  bool quiet = false;
  bool verbose = false;
  std::string kernels;
};
// threads_short: whether -t is an alias of --threads (slide-xc train uses -t for its test file).
boost::program_options::options_description common_options_description(CommonOptions& options,
                                                                       bool threads_short = true);

// What the common options set up for the length of a run: the kernel set (--kernels) and the
// thread limit (--threads, a oneTBB global_control). Throws UsageError.
class RunEnvironment {
 public:
  explicit RunEnvironment(const CommonOptions& options);
  ~RunEnvironment();
  RunEnvironment(const RunEnvironment&) = delete;
  RunEnvironment& operator=(const RunEnvironment&) = delete;

  // The number of worker threads the run may use.
  int threads() const { return threads_; }

 private:
  struct Limits;
  std::unique_ptr<Limits> limits_;
  int threads_;
};

// Parses one command's arguments against `options` (which include the common ones), answers
// --help (the grouped options) and --version on stdout, then applies the common options. Returns
// the run's environment, or nullptr when --help or --version answered and the command should exit
// 0. Throws boost::program_options errors and UsageError (exit 64).
std::unique_ptr<RunEnvironment> parse_command_line(
    const std::string& program, const std::vector<std::string>& args,
    const boost::program_options::options_description& options, const CommonOptions& common,
    boost::program_options::variables_map& vm);

// SIGINT and SIGTERM set a flag that long runs poll between batches, so that they can save a
// checkpoint and stop; a second signal ends the process at once.
void install_interrupt_handlers();
// 0 if no signal arrived, else the signal number.
int interrupt_signal();

// Runs body(), printing "program: message" on stderr for any exception and returning the exit
// code from exit_codes.h. A usage error adds "Try 'program --help'.".
int run_main(const std::string& program, const std::function<int()>& body);

}  // namespace slide::cli
