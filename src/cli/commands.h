// The CLI's commands. Each takes its own arguments (after the command name) and returns the
// process exit status: 0 success, 1 nothing found (search), 2 an error (some inputs failed,
// bad usage, an unusable database).
#pragma once
#include <string>
#include <vector>

namespace sagsindeks::cli {

struct Command {
  const char* name;
  const char* summary;
  int (*run)(const std::vector<std::string>& args);
};

int cmd_analyze(const std::vector<std::string>& args);
int cmd_train(const std::vector<std::string>& args);
int cmd_evaluate(const std::vector<std::string>& args);

// Commands of the corpus index (index_commands.cpp).
std::vector<Command> index_commands();

}  // namespace sagsindeks::cli
