#include <gtest/gtest.h>

#include "TestModule.h"
#include "upstream/ClusterTable.h"

namespace mesh {
namespace {

TEST(ClusterTable, TakesStaticEndpointsAndAppliesOverrides) {
  const TestModule module;
  const std::vector<EndpointsFileEntry> overrides = {
      {"reviews.v2", {{"127.0.0.1", 9001}, {"127.0.0.1", 9002}}, 1}};
  EndpointIds ids;
  const ClusterTable table(module.module, overrides, HostPort{"127.0.0.1", 8080}, ids);
  ASSERT_EQ(table.clusters().size(), 2u);
  EXPECT_EQ(table.cluster(0).name, "reviews.v1");
  EXPECT_EQ(table.cluster(0).service, "reviews");
  EXPECT_EQ(table.cluster(0).subset, "v1");
  ASSERT_EQ(table.cluster(0).endpoints.size(), 1u);
  EXPECT_EQ(table.cluster(0).endpoints[0].address, (HostPort{"10.0.0.1", 9080}));
  ASSERT_EQ(table.cluster(1).endpoints.size(), 2u);
  EXPECT_EQ(table.cluster(1).endpoints[1].address.port, 9002);
  // Endpoint ids are dense over all clusters, the application last.
  EXPECT_EQ(table.cluster(0).endpoints[0].id, 0u);
  EXPECT_EQ(table.cluster(1).endpoints[0].id, 1u);
  EXPECT_EQ(table.cluster(1).endpoints[1].id, 2u);
  ASSERT_NE(table.app(), nullptr);
  EXPECT_EQ(table.app()->id, 3u);
  EXPECT_EQ(table.endpointCount(), 4u);
}

// A reload builds a new table: addresses it shares with the old one keep their ids (so pooled
// connections and per-endpoint state carry over), new ones get the next ids.
TEST(ClusterTable, AReloadKeepsTheIdsOfAddressesItKeeps) {
  const TestModule module;
  EndpointIds ids;
  const ClusterTable before(module.module, {{"reviews.v2", {{"127.0.0.1", 9001}}, 1}},
                            HostPort{"127.0.0.1", 8080}, ids);
  const ClusterTable after(module.module,
                           {{"reviews.v2", {{"127.0.0.1", 9005}, {"127.0.0.1", 9001}}, 1}},
                           HostPort{"127.0.0.1", 8080}, ids);
  EXPECT_EQ(after.cluster(1).endpoints[1].id, before.cluster(1).endpoints[0].id);
  EXPECT_EQ(after.app()->id, before.app()->id);
  EXPECT_EQ(after.cluster(1).endpoints[0].id, before.endpointCount());
  EXPECT_EQ(after.endpointCount(), before.endpointCount() + 1);
}

TEST(ClusterTable, RejectsMalformedStaticEndpoint) {
  TestModule module;
  module.reviewsV1Endpoints[0] = "10.0.0.1";
  try {
    EndpointIds ids;
    ClusterTable(module.module, {}, std::nullopt, ids);
    FAIL() << "expected an error";
  } catch (const std::runtime_error& e) {
    EXPECT_STREQ(e.what(),
                 "policy module: cluster reviews.v1: malformed endpoint \"10.0.0.1\": missing "
                 "':PORT'");
  }
}

}  // namespace
}  // namespace mesh
