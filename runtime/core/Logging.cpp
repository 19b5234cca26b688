#include "core/Logging.h"

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace mesh {

void configureLogging(const std::string& level, const std::string& workload) {
  auto logger = spdlog::stderr_color_mt("sidecar");
  spdlog::set_default_logger(logger);
  spdlog::set_pattern("[%Y-%m-%d %H:%M:%S.%e] [" + workload + "] [%^%l%$] %v");
  spdlog::set_level(spdlog::level::from_str(level));
}

}  // namespace mesh
