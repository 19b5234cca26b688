// The sidecar entry point. It lives in libmeshrt.a, so `meshc compile` only has to link a policy
// object (which defines mesh_policy_module) with the archive to get a complete executable.
#include <cstdio>

#include "core/Logging.h"
#include "core/ModuleCheck.h"
#include "core/Sidecar.h"
#include "core/SidecarOptions.h"
#include "mesh/abi.h"

int main(int argc, char** argv) {
  const mesh_module& module = mesh_policy_module;
  if (const std::string problem = mesh::checkModule(module); !problem.empty()) {
    std::fprintf(stderr, "meshc sidecar: refusing to start: %s\n", problem.c_str());
    return 2;
  }
  const mesh::ParsedCommandLine parsed = mesh::parseCommandLine(argc, argv, module);
  if (!parsed.options) return parsed.exitCode;
  mesh::configureLogging(parsed.options->logLevel, module.workload);
  return mesh::runSidecar(module, *parsed.options);
}
