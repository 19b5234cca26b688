#pragma once

#include <string>
#include <vector>

namespace meshc::driver {

// The policy files named by command-line paths: files as given, directories searched recursively
// for *.mesh in sorted order. Throws std::runtime_error for a path that does not exist.
std::vector<std::string> policyFiles(const std::vector<std::string>& paths);

}  // namespace meshc::driver
