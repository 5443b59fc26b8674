// Commands of the corpus index: filled in by the index stage (issue 3).
#include "cli/commands.h"

namespace sagsindeks::cli {
std::vector<Command> index_commands() { return {}; }
}  // namespace sagsindeks::cli
