#pragma once

// The three commands of slide-xc; each parses its own options (args exclude the command name)
// and returns an exit code or throws (run_main maps the exception to an exit code).

#include <string>
#include <vector>

namespace slide::xc_app {

int run_train(const std::vector<std::string>& args);
int run_predict(const std::vector<std::string>& args);
int run_test(const std::vector<std::string>& args);

}  // namespace slide::xc_app
