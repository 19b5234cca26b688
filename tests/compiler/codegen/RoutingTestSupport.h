#pragma once

// Calls a compiled route function and checks concrete decisions.

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>

#include "RandomRequests.h"
#include "mesh/abi.h"

namespace meshc::codegen::testing {

struct RouteResult {
  const mesh_module* module;
  uint32_t status;
  mesh_route_decision decision;
};

// The decision starts as a recognisable pattern, so tests see whether route() wrote it.
inline RouteResult callRoute(const mesh_module& module, OwnedRequest& request) {
  RouteResult result;
  result.module = &module;
  std::memset(&result.decision, 0xA5, sizeof result.decision);
  result.status = module.route(&request.get(), &result.decision);
  return result;
}

// The timeout the module's descriptor gives a rule, 0 when it has no timeout action.
inline uint64_t ruleTimeoutMs(const mesh_rule& rule) {
  for (uint32_t a = 0; a < rule.action_count; ++a) {
    if (rule.actions[a].kind == MESH_ACTION_TIMEOUT) {
      return static_cast<const mesh_timeout_action*>(rule.actions[a].config)->timeout_ms;
    }
  }
  return 0;
}

// `rule` is the index within the service's route; the decision names the module-wide rule, whose
// descriptor must say which service and position it is and carry the timeout.
inline void expectMatched(const RouteResult& result, uint32_t service, uint32_t cluster,
                          uint32_t rule, uint64_t timeoutMs) {
  ASSERT_EQ(result.status, uint32_t{MESH_ROUTE_MATCHED});
  EXPECT_EQ(result.decision.cluster, cluster);
  ASSERT_LT(result.decision.rule, result.module->rule_count);
  const mesh_rule& chosen = result.module->rules[result.decision.rule];
  EXPECT_EQ(chosen.service, service);
  EXPECT_EQ(chosen.index, rule);
  ASSERT_LT(service, result.module->service_count);
  EXPECT_EQ(result.decision.rule, result.module->services[service].first_rule + rule);
  EXPECT_EQ(ruleTimeoutMs(chosen), timeoutMs);
}

inline void expectUnmatched(const RouteResult& result, uint32_t status) {
  EXPECT_EQ(result.status, status);
  mesh_route_decision untouched;
  std::memset(&untouched, 0xA5, sizeof untouched);
  EXPECT_EQ(std::memcmp(&result.decision, &untouched, sizeof untouched), 0)
      << "route() wrote the decision without a match";
}

}  // namespace meshc::codegen::testing
