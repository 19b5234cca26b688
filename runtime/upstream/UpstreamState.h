#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

#include "upstream/ClusterTable.h"
#include "upstream/LoadBalancer.h"

namespace mesh {

// Whether an endpoint takes traffic. Only kHealthy exists in practice today; the others are
// where active health checks and outlier detection will put an endpoint.
enum class EndpointHealth {
  kHealthy,
  kUnhealthy,  // failed its health checks
  kEjected,    // removed by outlier detection until `ejectedUntil`
};

// What one worker knows about one endpoint at run time.
struct EndpointState {
  uint32_t activeRequests = 0;
  EndpointHealth health = EndpointHealth::kHealthy;
  uint32_t consecutiveFailures = 0;  // 5xx or connect failures in a row, for outlier detection
  uint32_t ejections = 0;            // how often it was ejected: the ejection time grows with it
  std::chrono::steady_clock::time_point ejectedUntil;
};

// What one worker knows about one cluster at run time.
struct ClusterState {
  uint32_t activeRequests = 0;
  uint32_t activeRetries = 0;  // retry attempts in flight, which the retry budget bounds
  std::unique_ptr<LoadBalancer> balancer;
};

// The run-time state of one worker's upstreams: per cluster (by index) and per endpoint (by id).
// Only its worker touches it, so the request path takes no lock.
class UpstreamState {
 public:
  UpstreamState(const ClusterTable& table, uint32_t workerIndex);

  // The index of the endpoint of `cluster` (whose list is not empty) the next request goes to.
  uint32_t pick(uint32_t clusterIndex, const Cluster& cluster) {
    return clusters_[clusterIndex].balancer->pick(cluster.endpoints);
  }

  // Like pick(), but passes over the endpoints in `tried` (ids) while the balancer offers others,
  // so that a retry goes elsewhere (Envoy's previous_hosts predicate). Only when every endpoint
  // was tried does it return one of them.
  uint32_t pickAnother(uint32_t clusterIndex, const Cluster& cluster,
                       const std::vector<uint32_t>& tried);

  ClusterState& cluster(uint32_t index) { return clusters_[index]; }
  EndpointState& endpoint(uint32_t id) { return endpoints_[id]; }

  // Makes room for endpoint ids below `count` after a reload; existing states stay where they are.
  void grow(uint32_t count) {
    while (endpoints_.size() < count) endpoints_.emplace_back();
  }

 private:
  std::vector<ClusterState> clusters_;
  // A deque: requests in flight hold references to their endpoint's state across a grow().
  std::deque<EndpointState> endpoints_;
};

// Counts one request as active on its endpoint and, when it has one, its cluster, for as long as
// it lives.
class ActiveRequest {
 public:
  ActiveRequest(EndpointState& endpoint, ClusterState* cluster)
      : endpoint_(endpoint), cluster_(cluster) {
    ++endpoint_.activeRequests;
    if (cluster_) ++cluster_->activeRequests;
  }
  ~ActiveRequest() {
    --endpoint_.activeRequests;
    if (cluster_) --cluster_->activeRequests;
  }
  ActiveRequest(const ActiveRequest&) = delete;
  ActiveRequest& operator=(const ActiveRequest&) = delete;

 private:
  EndpointState& endpoint_;
  ClusterState* cluster_;
};

// Counts one request as active on its cluster, when it has one, for as long as it lives: an
// exchange from routing to its end, across all its attempts and the backoffs between them, so
// that a retry budget measures retries against every request that may need one.
class ClusterRequest {
 public:
  explicit ClusterRequest(ClusterState* cluster) : cluster_(cluster) {
    if (cluster_) ++cluster_->activeRequests;
  }
  ~ClusterRequest() {
    if (cluster_) --cluster_->activeRequests;
  }
  ClusterRequest(const ClusterRequest&) = delete;
  ClusterRequest& operator=(const ClusterRequest&) = delete;

 private:
  ClusterState* cluster_;
};

// Counts one retry attempt as in flight on its cluster for as long as it lives.
class ActiveRetry {
 public:
  explicit ActiveRetry(ClusterState& cluster) : cluster_(cluster) { ++cluster_.activeRetries; }
  ~ActiveRetry() { --cluster_.activeRetries; }
  ActiveRetry(const ActiveRetry&) = delete;
  ActiveRetry& operator=(const ActiveRetry&) = delete;

 private:
  ClusterState& cluster_;
};

}  // namespace mesh
