#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace mesh {

// Round-robin cursors over each cluster's endpoints. One instance per worker, so it needs no
// synchronisation; each worker starts at a different offset so that N fresh workers do not all
// send their first request to endpoint 0.
class RoundRobin {
 public:
  RoundRobin(size_t clusterCount, uint32_t startOffset) : cursors_(clusterCount, startOffset) {}

  // The index of the endpoint to use next; `endpointCount` must be positive.
  uint32_t next(uint32_t cluster, uint32_t endpointCount) {
    uint32_t& cursor = cursors_[cluster];
    const uint32_t pick = cursor % endpointCount;
    cursor = pick + 1;
    return pick;
  }

 private:
  std::vector<uint32_t> cursors_;
};

}  // namespace mesh
