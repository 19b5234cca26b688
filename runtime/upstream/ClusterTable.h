#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/HostPort.h"
#include "mesh/abi.h"
#include "upstream/EndpointIds.h"
#include "upstream/EndpointsFile.h"

namespace mesh {

struct Endpoint {
  HostPort address;
  uint32_t id = 0;  // dense over all endpoints, so per-worker pools can be plain vectors
};

struct Cluster {
  std::string name;
  std::string service;
  std::string subset;
  uint32_t serviceIndex = 0;
  std::vector<Endpoint> endpoints;
};

// The clusters of the policy module with their endpoints at one moment, plus the local application
// the inbound listener forwards to. Immutable: a reload of the endpoint lists builds a new table,
// which each worker adopts between requests (an exchange keeps the table it was routed with), so
// every worker reads its table without locks.
class ClusterTable {
 public:
  // Static endpoints come from the module; `overrides` (an endpoints file) replace the lists of
  // the clusters they name. Throws std::runtime_error when the module has a malformed endpoint.
  // Endpoint ids come from `ids`, shared by every table of the process.
  ClusterTable(const mesh_module& module, const std::vector<EndpointsFileEntry>& overrides,
               const std::optional<HostPort>& app, EndpointIds& ids);

  const std::vector<Cluster>& clusters() const { return clusters_; }
  const Cluster& cluster(uint32_t index) const { return clusters_[index]; }
  const Endpoint* app() const { return app_ ? &*app_ : nullptr; }
  // One more than the largest endpoint id in use: what per-id tables must hold.
  uint32_t endpointCount() const { return endpointCount_; }

  static std::vector<std::string> clusterNames(const mesh_module& module);

 private:
  std::vector<Cluster> clusters_;
  std::optional<Endpoint> app_;
  uint32_t endpointCount_ = 0;
};

}  // namespace mesh
