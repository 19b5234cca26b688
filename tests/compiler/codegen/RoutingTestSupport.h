#pragma once

// Calls a compiled route function and checks concrete decisions.

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>

#include "RandomRequests.h"
#include "mesh/abi.h"

namespace meshc::codegen::testing {

struct RouteResult {
  uint32_t status;
  mesh_route_decision decision;
};

// The decision starts as a recognisable pattern, so tests see whether route() wrote it.
inline RouteResult callRoute(const mesh_module& module, OwnedRequest& request) {
  RouteResult result;
  std::memset(&result.decision, 0xA5, sizeof result.decision);
  result.status = module.route(&request.get(), &result.decision);
  return result;
}

inline void expectMatched(const RouteResult& result, uint32_t service, uint32_t cluster,
                          uint32_t rule, uint64_t timeoutMs) {
  ASSERT_EQ(result.status, uint32_t{MESH_ROUTE_MATCHED});
  EXPECT_EQ(result.decision.service, service);
  EXPECT_EQ(result.decision.cluster, cluster);
  EXPECT_EQ(result.decision.rule, rule);
  EXPECT_EQ(result.decision.reserved0, 0u);
  EXPECT_EQ(result.decision.timeout_ms, timeoutMs);
}

inline void expectUnmatched(const RouteResult& result, uint32_t status) {
  EXPECT_EQ(result.status, status);
  mesh_route_decision untouched;
  std::memset(&untouched, 0xA5, sizeof untouched);
  EXPECT_EQ(std::memcmp(&result.decision, &untouched, sizeof untouched), 0)
      << "route() wrote the decision without a match";
}

}  // namespace meshc::codegen::testing
