#include <gtest/gtest.h>

#include "TestModule.h"
#include "upstream/UpstreamState.h"

namespace mesh {
namespace {

ClusterTable twoClusters() {
  const TestModule module;
  const std::vector<EndpointsFileEntry> overrides = {
      {"reviews.v1", {{"127.0.0.1", 9001}, {"127.0.0.1", 9002}, {"127.0.0.1", 9003}}, 1},
      {"reviews.v2", {{"127.0.0.1", 9004}, {"127.0.0.1", 9005}}, 2}};
  EndpointIds ids;
  return ClusterTable(module.module, overrides, HostPort{"127.0.0.1", 8080}, ids);
}

TEST(UpstreamState, EachClusterHasItsOwnBalancer) {
  const ClusterTable table = twoClusters();
  UpstreamState state(table, 0);
  EXPECT_EQ(state.pick(0, table.cluster(0)), 0u);
  EXPECT_EQ(state.pick(0, table.cluster(0)), 1u);
  EXPECT_EQ(state.pick(1, table.cluster(1)), 0u) << "each cluster has its own cursor";
  EXPECT_EQ(state.pick(0, table.cluster(0)), 2u);
  EXPECT_EQ(state.pick(0, table.cluster(0)), 0u);
  EXPECT_EQ(state.pick(1, table.cluster(1)), 1u);
}

TEST(UpstreamState, WorkersStartAtDifferentEndpoints) {
  const ClusterTable table = twoClusters();
  UpstreamState second(table, 1);
  EXPECT_EQ(second.pick(1, table.cluster(1)), 1u);
  EXPECT_EQ(second.pick(1, table.cluster(1)), 0u);
}

TEST(UpstreamState, EndpointsStartHealthyWithNothingActive) {
  const ClusterTable table = twoClusters();
  UpstreamState state(table, 0);
  for (uint32_t id = 0; id < table.endpointCount(); ++id) {
    EXPECT_EQ(state.endpoint(id).health, EndpointHealth::kHealthy);
    EXPECT_EQ(state.endpoint(id).activeRequests, 0u);
  }
  EXPECT_EQ(state.cluster(1).activeRequests, 0u);
}

TEST(UpstreamState, ActiveRequestsCountWhileTheyLive) {
  const ClusterTable table = twoClusters();
  UpstreamState state(table, 0);
  const uint32_t endpoint = table.cluster(1).endpoints[0].id;
  {
    const ActiveRequest first(state.endpoint(endpoint), &state.cluster(1));
    const ActiveRequest second(state.endpoint(endpoint), &state.cluster(1));
    const ActiveRequest toTheApp(state.endpoint(table.app()->id), nullptr);
    const ActiveRequest endpointOnly(state.endpoint(endpoint), nullptr);
    const ClusterRequest exchange(&state.cluster(1));
    const ClusterRequest local(nullptr);
    EXPECT_EQ(state.endpoint(endpoint).activeRequests, 3u);
    EXPECT_EQ(state.cluster(1).activeRequests, 3u);
    EXPECT_EQ(state.endpoint(table.app()->id).activeRequests, 1u);
    EXPECT_EQ(state.cluster(0).activeRequests, 0u);
  }
  EXPECT_EQ(state.endpoint(endpoint).activeRequests, 0u);
  EXPECT_EQ(state.cluster(1).activeRequests, 0u);
  EXPECT_EQ(state.endpoint(table.app()->id).activeRequests, 0u);
}

TEST(UpstreamState, ARetryGoesToAnEndpointNotYetTried) {
  const ClusterTable table = twoClusters();
  UpstreamState state(table, 0);
  const Cluster& cluster = table.cluster(0);
  const auto id = [&](uint32_t index) { return cluster.endpoints[index].id; };
  // The cursor would offer endpoint 0, which failed: the next one untried is taken.
  EXPECT_EQ(state.pickAnother(0, cluster, {id(0)}), 1u);
  EXPECT_EQ(state.pickAnother(0, cluster, {id(0), id(2)}), 1u);
  EXPECT_EQ(state.pickAnother(0, cluster, {}), 2u) << "nothing tried: the balancer's choice";
  // Every endpoint tried: one of them all the same, rather than no retry.
  const uint32_t choice = state.pickAnother(0, cluster, {id(0), id(1), id(2)});
  EXPECT_LT(choice, 3u);
}

TEST(UpstreamState, RetriesInFlightCountWhileTheyLive) {
  const ClusterTable table = twoClusters();
  UpstreamState state(table, 0);
  {
    const ActiveRetry retry(state.cluster(1));
    EXPECT_EQ(state.cluster(1).activeRetries, 1u);
    EXPECT_EQ(state.cluster(0).activeRetries, 0u);
  }
  EXPECT_EQ(state.cluster(1).activeRetries, 0u);
}

}  // namespace
}  // namespace mesh
