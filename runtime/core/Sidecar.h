#pragma once

#include "core/SidecarOptions.h"
#include "mesh/abi.h"

namespace mesh {

// Runs the sidecar until it has drained after SIGTERM/SIGINT. Returns the process exit code:
// 0 after a drain (complete or cut short by --drain-timeout), 2 for bad configuration (endpoints
// file, module tables), 1 when a listener cannot be bound or the ready file cannot be written.
int runSidecar(const mesh_module& module, const SidecarOptions& options);

}  // namespace mesh
