#pragma once

#include <string>

namespace mesh {

// Logs go to stderr, leaving stdout to --version and --help. `level` is a spdlog level name.
void configureLogging(const std::string& level, const std::string& workload);

}  // namespace mesh
