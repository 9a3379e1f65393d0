// The table of subcommands: adding one is a make_*_command() here.
#include "commands.hpp"

namespace h5archive::cli {

std::vector<std::unique_ptr<Command>> make_commands() {
  std::vector<std::unique_ptr<Command>> commands;
  for (auto make : {make_demo_command, make_resolve_command, make_ls_command, make_info_command,
                    make_get_command, make_put_command, make_link_command, make_check_command,
                    make_env_command, make_serve_command})
    commands.push_back(make());
  return commands;
}

}  // namespace h5archive::cli
