#pragma once

#include <atomic>
#include <chrono>

#include "mesh/abi.h"
#include "policy/RuleTable.h"
#include "upstream/ClusterTable.h"

namespace mesh {

// What every worker shares: the policy module, its decoded rules, the cluster table and settings
// (read-only after start-up) and the drain flag.
struct SidecarState {
  SidecarState(const mesh_module& policy, ClusterTable table, std::chrono::milliseconds streamIdle)
      : module(policy), rules(policy), clusters(std::move(table)), streamIdleTimeout(streamIdle) {}

  bool draining() const { return drainFlag.load(std::memory_order_relaxed); }

  const mesh_module& module;
  const RuleTable rules;
  const ClusterTable clusters;
  // How long a request may go without a byte moving in either direction (--stream-idle-timeout).
  const std::chrono::milliseconds streamIdleTimeout;
  std::atomic<bool> drainFlag{false};
};

}  // namespace mesh
