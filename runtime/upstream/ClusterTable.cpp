#include "upstream/ClusterTable.h"

#include <stdexcept>

namespace mesh {
namespace {

std::string orEmpty(const char* text) { return text ? text : ""; }

}  // namespace

ClusterTable::ClusterTable(const mesh_module& module,
                           const std::vector<EndpointsFileEntry>& overrides,
                           const std::optional<HostPort>& app, EndpointIds& ids) {
  clusters_.reserve(module.cluster_count);
  for (uint32_t i = 0; i < module.cluster_count; ++i) {
    const mesh_cluster& source = module.clusters[i];
    Cluster cluster{orEmpty(source.name),
                    orEmpty(source.service),
                    orEmpty(source.subset),
                    source.service_index,
                    {}};
    for (uint32_t e = 0; e < source.endpoint_count; ++e) {
      std::string why;
      std::optional<HostPort> address =
          parseHostPort(orEmpty(source.endpoints[e]), PortRule::kNonZero, &why);
      if (!address) {
        throw std::runtime_error("policy module: cluster " + cluster.name +
                                 ": malformed endpoint \"" + orEmpty(source.endpoints[e]) +
                                 "\": " + why);
      }
      cluster.endpoints.push_back(Endpoint{std::move(*address), 0});
    }
    clusters_.push_back(std::move(cluster));
  }
  for (const EndpointsFileEntry& entry : overrides) {
    for (Cluster& cluster : clusters_) {
      if (cluster.name != entry.cluster) continue;
      cluster.endpoints.clear();
      for (const HostPort& address : entry.endpoints) {
        cluster.endpoints.push_back(Endpoint{address, 0});
      }
    }
  }
  for (Cluster& cluster : clusters_) {
    for (Endpoint& endpoint : cluster.endpoints) endpoint.id = ids.idOf(endpoint.address);
  }
  if (app) app_ = Endpoint{*app, ids.idOf(*app)};
  endpointCount_ = ids.count();
}

std::vector<std::string> ClusterTable::clusterNames(const mesh_module& module) {
  std::vector<std::string> names;
  for (uint32_t i = 0; i < module.cluster_count; ++i) {
    names.push_back(orEmpty(module.clusters[i].name));
  }
  return names;
}

}  // namespace mesh
