#include "common/cli_common.h"

#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/info.h>
#include <oneapi/tbb/version.h>

#include <boost/program_options.hpp>
#include <boost/version.hpp>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <iostream>

#include "common/exit_codes.h"
#include "slide/core/error.h"
#include "slide/simd/dispatch.h"
#include "slide/version.h"

namespace po = boost::program_options;

namespace slide::cli {

std::string version_line(const std::string& program) {
  return program + " " + kVersion +
         " (kernels: " + simd::kernel_set_name(simd::active_kernel_set()) + "; oneTBB " +
         std::to_string(TBB_VERSION_MAJOR) + "." + std::to_string(TBB_VERSION_MINOR) + "; Boost " +
         std::to_string(BOOST_VERSION / 100000) + "." + std::to_string(BOOST_VERSION / 100 % 1000) +
         ")";
}

po::options_description common_options_description(CommonOptions& options, bool threads_short) {
  po::options_description common("Common options");
  common.add_options()("help,h", "print this help and exit")(
      "version,V", "print the version and the kernel set chosen at run time, and exit")(
      threads_short ? "threads,t" : "threads",
      po::value(&options.threads)->default_value(0)->value_name("N"),
      "worker threads; 0 means every hardware thread")(
      "seed", po::value(&options.seed)->default_value(0)->value_name("N"),
      "seed of every random choice; with --threads 1 a run is reproducible")(
      "quiet,q", po::bool_switch(&options.quiet), "print nothing but errors")(
      "verbose,v", po::bool_switch(&options.verbose), "print more detail")(
      "kernels", po::value(&options.kernels)->value_name("SET"),
      "force a kernel set: scalar, avx2, avx512, avx512-bf16, amx (also SLIDE_KERNELS)");
  return common;
}

struct RunEnvironment::Limits {
  explicit Limits(int threads)
      : control(oneapi::tbb::global_control::max_allowed_parallelism, std::size_t(threads)) {}
  oneapi::tbb::global_control control;
};

RunEnvironment::RunEnvironment(const CommonOptions& options) {
  if (options.threads < 0) throw UsageError("--threads must be 0 (every core) or positive");
  if (!options.kernels.empty()) {
    simd::set_active_kernel_set(simd::parse_kernel_set(options.kernels));
  }
  threads_ = options.threads > 0 ? options.threads : int(oneapi::tbb::info::default_concurrency());
  limits_ = std::make_unique<Limits>(threads_);
}

RunEnvironment::~RunEnvironment() = default;

std::unique_ptr<RunEnvironment> parse_command_line(const std::string& program,
                                                   const std::vector<std::string>& args,
                                                   const po::options_description& options,
                                                   const CommonOptions& common,
                                                   po::variables_map& vm) {
  po::store(po::command_line_parser(args).options(options).run(), vm);
  if (vm.count("help")) {
    std::cout << options << "\n";
    return nullptr;
  }
  po::notify(vm);
  auto environment = std::make_unique<RunEnvironment>(common);
  if (vm.count("version")) {
    std::cout << version_line(program) << "\n";
    return nullptr;
  }
  return environment;
}

namespace {
volatile std::sig_atomic_t received_signal = 0;

extern "C" void on_interrupt(int signal_number) {
  if (received_signal != 0) {
    // Second signal: the user insists; stop now with the conventional status.
    std::signal(signal_number, SIG_DFL);
    std::raise(signal_number);
    return;
  }
  received_signal = signal_number;
}
}  // namespace

void install_interrupt_handlers() {
  std::signal(SIGINT, on_interrupt);
  std::signal(SIGTERM, on_interrupt);
}

int interrupt_signal() {
  return received_signal;
}

int run_main(const std::string& program, const std::function<int()>& body) {
  // A file size limit (RLIMIT_FSIZE) must fail the write with EFBIG, which our outputs report and
  // clean up after, rather than kill the process and leave a temporary file behind.
  std::signal(SIGXFSZ, SIG_IGN);
  try {
    const int code = body();
    // What went to stdout (results, streamed predictions) must have arrived: a full disk or a
    // closed pipe there is an error, not a success with output missing.
    // Both std::cout and C stdio (printf) write there; errno names the cause only when this
    // flush is what failed.
    const bool failed_before = !std::cout || std::ferror(stdout) != 0;
    errno = 0;
    std::cout.flush();
    const bool flushed = std::fflush(stdout) == 0;
    if (!std::cout || !flushed || std::ferror(stdout) != 0) {
      const int error = errno;
      throw IoError("<stdout>", std::string("write error: ") + (!failed_before && error != 0
                                                                    ? std::strerror(error)
                                                                    : "the output is incomplete"));
    }
    return code;
  } catch (const std::exception& error) {
    const int code = exit_code_for(error);
    std::cerr << program << ": " << error.what() << "\n";
    if (code == kExitUsage) std::cerr << "Try '" << program << " --help'.\n";
    return code;
  } catch (...) {
    std::cerr << program << ": unknown internal error\n";
    return kExitSoftware;
  }
}

}  // namespace slide::cli
