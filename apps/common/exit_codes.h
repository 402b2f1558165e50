#pragma once

// The one table of exit codes (sysexits.h numbering), used only by the apps' main() and printed in
// the man pages' EXIT STATUS sections.

#include <exception>

namespace slide::cli {

enum ExitCode : int {
  kExitOk = 0,
  kExitFailure = 1,        // any other failure: divergence (NaN), a configuration that cannot fit
  kExitUsage = 64,         // bad options
  kExitDataError = 65,     // malformed input, truncated or corrupt stream, bad model file
  kExitNoInput = 66,       // cannot open an input
  kExitSoftware = 70,      // internal error or unexpected exception
  kExitCantCreate = 73,    // cannot create an output
  kExitIoError = 74,       // read or write error after opening
  kExitInterrupted = 130,  // SIGINT (after saving a checkpoint)
  kExitTerminated = 143,   // SIGTERM (after saving a checkpoint)
};

// Maps the exception being handled to its exit code.
int exit_code_for(const std::exception& error);

}  // namespace slide::cli
