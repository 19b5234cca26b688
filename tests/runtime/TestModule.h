#pragma once

#include "mesh/abi.h"

namespace mesh {

// A minimal policy module for unit tests: two clusters of service "reviews" and its two rules (the
// first with a 250 ms timeout), routing everything to reviews.v1. Fields are public so a test can
// break one thing at a time.
struct TestModule {
  TestModule() {
    module.abi_version = MESH_ABI_VERSION;
    module.mesh_name = "mesh \"one\"";
    module.workload = "productpage-v1";
    module.policy_digest = "sha256:abc";
    module.compiler_version = "test";
    module.trust_domain = "cluster.local";
    module.principal = "spiffe://cluster.local/ns/default/sa/productpage";
    module.services = services;
    module.clusters = clusters;
    module.rules = rules;
    module.service_count = 2;
    module.cluster_count = 2;
    module.rule_count = 2;
    module.local_service = 1;
    module.local_cluster = -1;
    module.route = [](const mesh_request*, mesh_route_decision* decision) -> uint32_t {
      *decision = mesh_route_decision{};
      return MESH_ROUTE_MATCHED;
    };
  }
  TestModule(const TestModule&) = delete;

  const char* reviewsV1Endpoints[1] = {"10.0.0.1:9080"};
  mesh_service services[2] = {{"reviews", nullptr, 9080, 0, 2, 0, MESH_MTLS_PERMISSIVE, 0},
                              {"productpage", nullptr, 9080, 2, 0, 0, MESH_MTLS_PERMISSIVE, 0}};
  mesh_timeout_action timeout{250};
  mesh_action actions[1] = {{MESH_ACTION_TIMEOUT, 0, &timeout}};
  mesh_rule rules[2] = {{"test.mesh:3:5", actions, 1, 0, 0, 0},
                        {"test.mesh:4:5", nullptr, 0, 0, 1, 0}};
  mesh_cluster clusters[2] = {{"reviews.v1", "reviews", "v1", reviewsV1Endpoints, 1, 0},
                              {"reviews.v2", "reviews", "v2", nullptr, 0, 0}};
  mesh_module module{};
};

}  // namespace mesh
