#include "driver/Completion.h"

#include <CLI/CLI.hpp>

namespace meshc::driver {
namespace {

std::string bashFunction(const CLI::App& app) {
  std::string commands = "help completion";
  std::string cases;
  for (const CLI::App* command : app.get_subcommands({})) {
    commands += " " + command->get_name();
    std::string options;
    for (const CLI::Option* option : command->get_options()) {
      for (const std::string& name : option->get_lnames()) options += " --" + name;
      for (const std::string& name : option->get_snames()) options += " -" + name;
    }
    cases += "    " + command->get_name() + ") opts=\"" + options.substr(options.empty() ? 0 : 1) +
             "\" ;;\n";
  }
  return "_meshc() {\n"
         "  local cur=${COMP_WORDS[COMP_CWORD]} opts\n"
         "  if [ \"$COMP_CWORD\" -eq 1 ]; then\n"
         "    COMPREPLY=($(compgen -W \"" +
         commands +
         "\" -- \"$cur\"))\n"
         "    return\n"
         "  fi\n"
         "  case ${COMP_WORDS[1]} in\n" +
         cases +
         "    completion) COMPREPLY=($(compgen -W \"bash zsh\" -- \"$cur\")); return ;;\n"
         "    *) opts=\"\" ;;\n"
         "  esac\n"
         "  if [[ $cur == -* ]]; then\n"
         "    COMPREPLY=($(compgen -W \"$opts\" -- \"$cur\"))\n"
         "  else\n"
         "    COMPREPLY=($(compgen -f -X '!*.mesh' -- \"$cur\") $(compgen -d -- \"$cur\"))\n"
         "  fi\n"
         "}\n";
}

}  // namespace

std::string completionScript(const CLI::App& app, const std::string& shell) {
  if (shell == "bash") {
    return "# meshc completion for bash: eval \"$(meshc completion bash)\"\n" + bashFunction(app) +
           "complete -o filenames -F _meshc meshc\n";
  }
  if (shell == "zsh") {
    // zsh runs bash completion functions through bashcompinit.
    return "# meshc completion for zsh: eval \"$(meshc completion zsh)\"\n"
           "autoload -U +X bashcompinit && bashcompinit\n" +
           bashFunction(app) + "complete -o filenames -F _meshc meshc\n";
  }
  return {};
}

}  // namespace meshc::driver
