#include "common/exit_codes.h"

#include <boost/program_options/errors.hpp>
#include <csignal>

#include "slide/core/error.h"

namespace slide::cli {

int exit_code_for(const std::exception& error) {
  if (dynamic_cast<const UsageError*>(&error)) return kExitUsage;
  if (dynamic_cast<const boost::program_options::error*>(&error)) return kExitUsage;
  if (dynamic_cast<const DataError*>(&error)) return kExitDataError;
  if (dynamic_cast<const FormatError*>(&error)) return kExitDataError;
  if (dynamic_cast<const InputOpenError*>(&error)) return kExitNoInput;
  if (dynamic_cast<const OutputCreateError*>(&error)) return kExitCantCreate;
  if (dynamic_cast<const IoError*>(&error)) return kExitIoError;
  if (auto* interrupted = dynamic_cast<const InterruptedError*>(&error)) {
    return interrupted->signal_number() == SIGTERM ? kExitTerminated : kExitInterrupted;
  }
  if (dynamic_cast<const DivergenceError*>(&error)) return kExitFailure;
  if (dynamic_cast<const ResourceError*>(&error)) return kExitFailure;
  return kExitSoftware;
}

}  // namespace slide::cli
