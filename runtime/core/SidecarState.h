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

class TlsCredentials;

// What every worker shares: the policy module, its decoded rules and settings and its compiled
// regexes (read-only after start-up), the drain flag, and the latest cluster table. Workers route
// with their own copy of the table pointer (WorkerContext::clusters); the one here serves the admin
// thread and reloads.
struct SidecarState {
  SidecarState(const mesh_module& policy, std::shared_ptr<const ClusterTable> table,
               std::chrono::milliseconds streamIdle, size_t maxHeaderFields,
               std::shared_ptr<const TlsCredentials> tls = nullptr)
      : hasCredentials(tls != nullptr),
        module(policy),
        rules(policy),
        regexes(policy.regexes, policy.regex_count),
        streamIdleTimeout(streamIdle),
        maxRequestHeaderFields(maxHeaderFields),
        clusters_(std::move(table)),
        credentials_(std::move(tls)) {}

  bool draining() const { return drainFlag.load(std::memory_order_relaxed); }

  std::shared_ptr<const ClusterTable> clusters() const {
    const std::lock_guard<std::mutex> lock(mutex_);
    return clusters_;
  }
  void publish(std::shared_ptr<const ClusterTable> table) {
    const std::lock_guard<std::mutex> lock(mutex_);
    clusters_ = std::move(table);
  }

  // The workload's certificate and key (--certs), or null: then every connection is plaintext.
  // Taken once per mutual TLS connection, which keeps the ones it started with.
  std::shared_ptr<const TlsCredentials> credentials() const {
    const std::lock_guard<std::mutex> lock(mutex_);
    return credentials_;
  }

  // Reloads replace credentials, never add or remove them.
  void publishCredentials(std::shared_ptr<const TlsCredentials> credentials) {
    const std::lock_guard<std::mutex> lock(mutex_);
    credentials_ = std::move(credentials);
  }

  const bool hasCredentials;
  const mesh_module& module;
  const RuleTable rules;
  const RegexSet regexes;  // compiled once; matching is read-only, so workers share them
  // How long a request may go without a byte moving in either direction (--stream-idle-timeout).
  const std::chrono::milliseconds streamIdleTimeout;
  // How many header fields a request may have (--max-request-headers); more get 431.
  const size_t maxRequestHeaderFields;
  std::atomic<bool> drainFlag{false};

 private:
  // Taken by reloads, the admin thread and each new mutual TLS connection; never per request.
  mutable std::mutex mutex_;
  std::shared_ptr<const ClusterTable> clusters_;
  std::shared_ptr<const TlsCredentials> credentials_;
};

}  // namespace mesh
