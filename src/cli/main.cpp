// sagsindeks: the command-line entry point. Dispatches to one command; only src/cli prints.
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.h"

using namespace sagsindeks::cli;

namespace {
std::vector<Command> all_commands() {
  std::vector<Command> c = {
      {"analyze", "analyse documents into analysis records (JSON / JSON Lines)", cmd_analyze},
      {"evaluate", "score analysis records against gold annotations", cmd_evaluate},
      {"train", "learn the type classifier from labelled documents", cmd_train},
  };
  for (const auto& ic : index_commands()) c.push_back(ic);
  return c;
}

void usage(std::ostream& os) {
  os << "usage: sagsindeks COMMAND [options] ...\n\n"
        "Turns Danish municipal and government correspondence into exact, searchable metadata.\n\ncommands:\n";
  for (const auto& c : all_commands()) os << "  " << c.name << std::string(10 - std::strlen(c.name), ' ') << c.summary << "\n";
  os << "\nRun 'sagsindeks COMMAND --help' for a command's options.\n";
}
}  // namespace

int main(int argc, char** argv) {
  std::ios::sync_with_stdio(false);
  if (argc < 2 || !std::strcmp(argv[1], "--help") || !std::strcmp(argv[1], "-h") || !std::strcmp(argv[1], "help")) {
    usage(argc < 2 ? std::cerr : std::cout);
    return argc < 2 ? 2 : 0;
  }
  if (!std::strcmp(argv[1], "--version")) {
    std::cout << "sagsindeks " << SAGSINDEKS_VERSION << "\n";
    return 0;
  }
  std::vector<std::string> args(argv + 2, argv + argc);
  for (const auto& c : all_commands())
    if (c.name == std::string(argv[1])) return c.run(args);
  std::cerr << "sagsindeks: unknown command '" << argv[1] << "'\n";
  usage(std::cerr);
  return 2;
}
