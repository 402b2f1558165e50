// slide-w2v: word vectors from a text corpus. Only this file and commands.cc write to stdout.

#include <cstring>
#include <string>
#include <vector>

#include "common/cli_common.h"
#include "slide-w2v/commands.h"

using namespace slide::cli;

int main(int argc, char** argv) {
  return run_main("slide-w2v", [&] {
    std::vector<std::string> args(argv + 1, argv + argc);
    std::string command = "train";
    if (!args.empty() && (args[0] == "train" || args[0] == "analogy" || args[0] == "similarity" ||
                          args[0] == "nearest")) {
      command = args[0];
      args.erase(args.begin());
    }
    if (command == "analogy") return slide::cli::w2v_app::analogy_command(args);
    if (command == "similarity") return slide::cli::w2v_app::similarity_command(args);
    if (command == "nearest") return slide::cli::w2v_app::nearest_command(args);
    return slide::cli::w2v_app::train_command(args);
  });
}
