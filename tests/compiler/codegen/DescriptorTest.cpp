// The constant tables of a compiled module, read back through the ABI as the runtime reads them.

#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <string>

#include "RoutingTestSupport.h"
#include "TestPolicies.h"
#include "codegen/Codegen.h"

namespace meshc::codegen::testing {
namespace {

TEST(Descriptor, TablesMirrorTheIr) {
  const ir::Module policy = hostsPolicy();
  const std::unique_ptr<JitModule> jit = JitModule::create(policy);
  const mesh_module& module = jit->module();

  EXPECT_EQ(module.abi_version, MESH_ABI_VERSION);
  EXPECT_EQ(module.reserved0, 0u);
  EXPECT_STREQ(module.mesh_name, "test");
  EXPECT_STREQ(module.workload, "hosts-client");
  EXPECT_EQ(std::string(module.policy_digest), policy.digest);
  EXPECT_EQ(std::string(module.compiler_version).rfind("meshc ", 0), 0u) << module.compiler_version;
  EXPECT_EQ(module.local_service, 9);
  EXPECT_EQ(module.local_cluster, 0);

  ASSERT_EQ(module.service_count, policy.services.size());
  for (size_t s = 0; s < policy.services.size(); ++s) {
    SCOPED_TRACE("service " + std::to_string(s));
    const mesh_service& service = module.services[s];
    EXPECT_EQ(std::string(service.name), policy.services[s].name);
    EXPECT_EQ(service.port, policy.services[s].port);
    EXPECT_EQ(service.rule_count, policy.services[s].rules.size());
    EXPECT_EQ(service.timeout_ms, policy.services[s].timeoutMs);
  }
  ASSERT_EQ(module.cluster_count, policy.clusters.size());
  for (size_t c = 0; c < policy.clusters.size(); ++c) {
    SCOPED_TRACE("cluster " + std::to_string(c));
    const mesh_cluster& cluster = module.clusters[c];
    EXPECT_EQ(std::string(cluster.name), policy.clusters[c].name());
    EXPECT_EQ(std::string(cluster.service), policy.clusters[c].service);
    EXPECT_EQ(std::string(cluster.subset), policy.clusters[c].subset);
    EXPECT_EQ(cluster.service_index, policy.clusters[c].serviceIndex);
    ASSERT_EQ(cluster.endpoint_count, policy.clusters[c].endpoints.size());
    for (size_t e = 0; e < policy.clusters[c].endpoints.size(); ++e) {
      EXPECT_EQ(std::string(cluster.endpoints[e]), policy.clusters[c].endpoints[e]);
    }
  }
}

TEST(Descriptor, EmptyModuleHasNullTablesAndRoutesNothing) {
  ir::Module policy;
  policy.workload = "nothing";
  const std::unique_ptr<JitModule> jit = JitModule::create(policy);
  const mesh_module& module = jit->module();
  EXPECT_EQ(module.service_count, 0u);
  EXPECT_EQ(module.cluster_count, 0u);
  EXPECT_EQ(module.services, nullptr);
  EXPECT_EQ(module.clusters, nullptr);
  EXPECT_EQ(module.local_service, -1);
  EXPECT_STREQ(module.mesh_name, "");
  OwnedRequest request;
  expectUnmatched(callRoute(module, request.host("")), MESH_ROUTE_NO_SERVICE);
}

TEST(Descriptor, ClusterWithoutEndpointsHasANullList) {
  ir::Module policy = hostsPolicy();
  policy.clusters[1].endpoints.clear();
  const std::unique_ptr<JitModule> jit = JitModule::create(policy);
  EXPECT_EQ(jit->module().clusters[1].endpoint_count, 0u);
  EXPECT_EQ(jit->module().clusters[1].endpoints, nullptr);
}

TEST(Descriptor, StringsWithNulBytesAreRejected) {
  ir::Module policy = hostsPolicy();
  policy.workload = std::string("bad\0name", 8);
  EXPECT_THROW(JitModule::create(policy), CodegenError);
}

TEST(Descriptor, SeveralJitModulesLiveSideBySide) {
  const std::unique_ptr<JitModule> hosts = JitModule::create(hostsPolicy());
  const std::unique_ptr<JitModule> splits = JitModule::create(splitsPolicy());
  OwnedRequest alpha;
  expectMatched(callRoute(hosts->module(), alpha.host("alpha")), 0, 0, 0, 0);
  OwnedRequest single;
  expectMatched(callRoute(splits->module(), single.host("single")), 2, 7, 0, 0);
}

}  // namespace
}  // namespace meshc::codegen::testing
