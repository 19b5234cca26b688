#include "upstream/UpstreamState.h"

#include "upstream/RoundRobin.h"

namespace mesh {

UpstreamState::UpstreamState(const ClusterTable& table, uint32_t workerIndex)
    : clusters_(table.clusters().size()), endpoints_(table.endpointCount()) {
  for (ClusterState& cluster : clusters_) {
    cluster.balancer = std::make_unique<RoundRobin>(workerIndex);
  }
}

}  // namespace mesh
