#pragma once

#include <atomic>

#include "mesh/abi.h"
#include "upstream/ClusterTable.h"

namespace mesh {

// What every worker shares: the policy module, the cluster table (read-only after start-up) and
// the drain flag.
struct SidecarState {
  SidecarState(const mesh_module& policy, ClusterTable table)
      : module(policy), clusters(std::move(table)) {}

  bool draining() const { return drainFlag.load(std::memory_order_relaxed); }

  const mesh_module& module;
  const ClusterTable clusters;
  std::atomic<bool> drainFlag{false};
};

}  // namespace mesh
