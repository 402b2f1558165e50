#pragma once

// The subcommands of slide-w2v. Each takes the arguments after the subcommand name and returns
// the exit code (errors are thrown, run_main maps them).

#include <string>
#include <vector>

namespace slide::cli::w2v_app {

int train_command(std::vector<std::string> args);
int analogy_command(std::vector<std::string> args);
int similarity_command(std::vector<std::string> args);
int nearest_command(std::vector<std::string> args);

// word2vec.c's single-dash flags (-train, -size, ...) rewritten to our long options, so that
// existing scripts run unchanged. Other arguments are returned as they are.
std::vector<std::string> translate_word2vec_flags(std::vector<std::string> args);

}  // namespace slide::cli::w2v_app
