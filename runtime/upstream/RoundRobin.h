#pragma once

#include <cstdint>
#include <vector>

#include "upstream/LoadBalancer.h"

namespace mesh {

// Takes a cluster's endpoints in turn. Each worker starts at a different offset so that N fresh
// workers do not all send their first request to endpoint 0.
class RoundRobin final : public LoadBalancer {
 public:
  explicit RoundRobin(uint32_t startOffset) : cursor_(startOffset) {}

  uint32_t pick(const std::vector<Endpoint>& endpoints) override {
    const uint32_t pick = cursor_ % static_cast<uint32_t>(endpoints.size());
    cursor_ = pick + 1;
    return pick;
  }

 private:
  uint32_t cursor_;
};

}  // namespace mesh
