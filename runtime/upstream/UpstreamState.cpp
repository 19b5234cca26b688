#include "upstream/UpstreamState.h"

#include <algorithm>

#include "upstream/RoundRobin.h"

namespace mesh {

UpstreamState::UpstreamState(const ClusterTable& table, uint32_t workerIndex)
    : clusters_(table.clusters().size()), endpoints_(table.endpointCount()) {
  for (ClusterState& cluster : clusters_) {
    cluster.balancer = std::make_unique<RoundRobin>(workerIndex);
  }
}

uint32_t UpstreamState::pickAnother(uint32_t clusterIndex, const Cluster& cluster,
                                    const std::vector<uint32_t>& tried) {
  LoadBalancer& balancer = *clusters_[clusterIndex].balancer;
  uint32_t choice = balancer.pick(cluster.endpoints);
  // As many offers as there are endpoints: a balancer that cycles offers each once.
  for (size_t offers = 1; offers < cluster.endpoints.size(); ++offers) {
    if (std::find(tried.begin(), tried.end(), cluster.endpoints[choice].id) == tried.end()) break;
    choice = balancer.pick(cluster.endpoints);
  }
  return choice;
}

}  // namespace mesh
