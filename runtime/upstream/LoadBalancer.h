#pragma once

#include <cstdint>
#include <vector>

#include "upstream/ClusterTable.h"

namespace mesh {

// Picks the endpoint of one cluster that the next request goes to. One instance per cluster and
// per worker, so an implementation keeps its state (cursors, weights, counts it reads from the
// worker's UpstreamState) without synchronisation.
class LoadBalancer {
 public:
  virtual ~LoadBalancer() = default;

  // An index into `endpoints`, which is not empty. The list may differ from one call to the next
  // (discovery replaces it): an implementation must stay in range.
  virtual uint32_t pick(const std::vector<Endpoint>& endpoints) = 0;
};

}  // namespace mesh
