#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <memory>
#include <mutex>

#include "mesh/abi.h"
#include "policy/RegexSet.h"
#include "policy/RuleTable.h"
#include "upstream/ClusterTable.h"

namespace mesh {

// What every worker shares: the policy module, its decoded rules and settings and its compiled
// regexes (read-only after start-up), the drain flag, and the latest cluster table. Workers route
// with their own copy of the table pointer (WorkerContext::clusters); the one here serves the admin
// thread and reloads.
struct SidecarState {
  SidecarState(const mesh_module& policy, std::shared_ptr<const ClusterTable> table,
               std::chrono::milliseconds streamIdle, size_t maxHeaderFields)
      : module(policy),
        rules(policy),
        regexes(policy.regexes, policy.regex_count),
        streamIdleTimeout(streamIdle),
        maxRequestHeaderFields(maxHeaderFields),
        clusters_(std::move(table)) {}

  bool draining() const { return drainFlag.load(std::memory_order_relaxed); }

  std::shared_ptr<const ClusterTable> clusters() const {
    const std::lock_guard<std::mutex> lock(clustersMutex_);
    return clusters_;
  }
  void publish(std::shared_ptr<const ClusterTable> table) {
    const std::lock_guard<std::mutex> lock(clustersMutex_);
    clusters_ = std::move(table);
  }

  const mesh_module& module;
  const RuleTable rules;
  const RegexSet regexes;  // compiled once; matching is read-only, so workers share them
  // How long a request may go without a byte moving in either direction (--stream-idle-timeout).
  const std::chrono::milliseconds streamIdleTimeout;
  // How many header fields a request may have (--max-request-headers); more get 431.
  const size_t maxRequestHeaderFields;
  std::atomic<bool> drainFlag{false};

 private:
  mutable std::mutex clustersMutex_;  // never taken on the request path
  std::shared_ptr<const ClusterTable> clusters_;
};

}  // namespace mesh
