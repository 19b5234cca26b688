#pragma once

#include <string>

namespace CLI {
class App;
}

namespace meshc::driver {

// A bash or zsh completion script for meshc, generated from the command line definition itself so
// it never drifts from it: commands, each command's options, and .mesh files for arguments.
// Returns an empty string for an unknown shell.
std::string completionScript(const CLI::App& app, const std::string& shell);

}  // namespace meshc::driver
