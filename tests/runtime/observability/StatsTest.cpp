#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "observability/PrometheusText.h"
#include "observability/StatsShard.h"
#include "observability/StatsSnapshot.h"

namespace mesh {
namespace {

const MetricLabels kLabels{"productpage-v1",
                           {{"reviews", "v1", "reviews.v1"}, {"reviews", "v2", "reviews.v2"}},
                           {{"stars", "control"}, {"stars", "big-stars"}}};

TEST(Stats, AnExperimentsRequestsCarryItsVariant) {
  StatsShard shard;
  shard.recordRequest({Reporter::kSource, 0, 200}, 1);
  shard.recordRequest({Reporter::kSource, 0, 200, 0}, 1);
  shard.recordRequest({Reporter::kSource, 1, 200, 1}, 1);
  shard.recordRequest({Reporter::kSource, 1, 200, 1}, 1);
  const std::string text = renderPrometheus(collectStats({&shard}), kLabels);
  const std::string common =
      "reporter=\"source\",source_workload=\"productpage-v1\",destination_service_name="
      "\"reviews\",";
  EXPECT_NE(text.find("istio_requests_total{" + common +
                      "destination_version=\"v1\",destination_cluster=\"reviews.v1\","
                      "response_code=\"200\",response_flags=\"-\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("istio_requests_total{" + common +
                      "destination_version=\"v1\",destination_cluster=\"reviews.v1\","
                      "response_code=\"200\",response_flags=\"-\",experiment=\"stars\","
                      "destination_variant=\"control\"} 1\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("istio_requests_total{" + common +
                      "destination_version=\"v2\",destination_cluster=\"reviews.v2\","
                      "response_code=\"200\",response_flags=\"-\",experiment=\"stars\","
                      "destination_variant=\"big-stars\"} 2\n"),
            std::string::npos)
      << text;
}

TEST(Stats, ShardsAddUpPerSeries) {
  StatsShard first;
  StatsShard second;
  first.recordRequest({Reporter::kSource, 0, 200}, 3);
  first.recordRequest({Reporter::kSource, 0, 200}, 7);
  second.recordRequest({Reporter::kSource, 0, 200}, 5000);
  second.recordRequest({Reporter::kSource, 1, 503}, 0.5);
  first.connectionOpened();
  first.connectionOpened();
  second.connectionOpened();
  first.connectionClosed();
  second.connectFailed();
  second.acceptFailed();
  second.acceptFailed();

  const StatsSnapshot snapshot = collectStats({&first, &second});
  ASSERT_EQ(snapshot.requests.size(), 2u);
  const SeriesTotals& ok = snapshot.requests.at({Reporter::kSource, 0, 200});
  EXPECT_EQ(ok.count, 3u);
  EXPECT_DOUBLE_EQ(ok.sumMs, 5010);
  EXPECT_EQ(ok.buckets[1], 1u) << "3 ms falls in (1, 5]";
  EXPECT_EQ(ok.buckets[2], 1u) << "7 ms falls in (5, 10]";
  EXPECT_EQ(ok.buckets[10], 1u) << "5000 ms falls in (2500, 5000]";
  EXPECT_EQ(snapshot.upstreamConnectionsActive, 2);
  EXPECT_EQ(snapshot.upstreamConnectFailures, 1u);
  EXPECT_EQ(snapshot.downstreamAcceptFailures, 2u);
}

TEST(Stats, TheSameCodeWithAnotherFlagIsAnotherSeries) {
  StatsShard shard;
  shard.recordRequest({Reporter::kSource, 0, 502}, 1);
  shard.recordRequest({Reporter::kSource, 0, 502, -1, ResponseFlag::kUpstreamConnectionFailure}, 1);
  shard.recordRequest({Reporter::kSource, 0, 502, -1, ResponseFlag::kUpstreamConnectionFailure}, 1);
  shard.recordRequest({Reporter::kSource, 0, 0, -1, ResponseFlag::kNoHealthyUpstream}, 1);
  const StatsSnapshot snapshot = collectStats({&shard});
  ASSERT_EQ(snapshot.requests.size(), 3u);
  EXPECT_EQ(snapshot.requests.at({Reporter::kSource, 0, 502}).count, 1u);
  EXPECT_EQ(snapshot.requests
                .at({Reporter::kSource, 0, 502, -1, ResponseFlag::kUpstreamConnectionFailure})
                .count,
            2u);
  const std::string text = renderPrometheus(snapshot, kLabels);
  EXPECT_NE(text.find("response_code=\"502\",response_flags=\"UF\"} 2\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("response_code=\"0\",response_flags=\"UH\"} 1\n"), std::string::npos) << text;
}

TEST(Stats, EveryFlagHasItsEnvoyName) {
  // The names Envoy's access log gives (%RESPONSE_FLAGS%), which Istio's label carries.
  const std::vector<std::pair<ResponseFlag, std::string_view>> names = {
      {ResponseFlag::kNone, "-"},
      {ResponseFlag::kDownstreamConnectionTermination, "DC"},
      {ResponseFlag::kUpstreamRequestTimeout, "UT"},
      {ResponseFlag::kStreamIdleTimeout, "SI"},
      {ResponseFlag::kUpstreamConnectionFailure, "UF"},
      {ResponseFlag::kUpstreamConnectionTermination, "UC"},
      {ResponseFlag::kUpstreamProtocolError, "UPE"},
      {ResponseFlag::kDownstreamProtocolError, "DPE"},
      {ResponseFlag::kNoRoute, "NR"},
      {ResponseFlag::kNoHealthyUpstream, "UH"},
      {ResponseFlag::kUpstreamRetryLimitExceeded, "URX"},
  };
  ASSERT_EQ(names.size(), kResponseFlagCount);
  for (const auto& [flag, name] : names) EXPECT_EQ(envoyName(flag), name);
}

TEST(Stats, FullShardDropsNewSeriesButKeepsCounting) {
  StatsShard shard;
  for (size_t i = 0; i < StatsShard::kMaxSeries; ++i) {
    shard.recordRequest({Reporter::kSource, static_cast<int32_t>(i), 200}, 1);
  }
  shard.recordRequest({Reporter::kSource, -1, 404}, 1);
  shard.recordRequest({Reporter::kSource, 0, 200}, 1);
  EXPECT_EQ(shard.seriesCount(), StatsShard::kMaxSeries);
  EXPECT_EQ(shard.droppedSamples(), 1u);
  EXPECT_EQ(shard.series(0).count.load(), 2u);
}

TEST(Stats, RendersPrometheusText) {
  StatsShard shard;
  shard.recordRequest({Reporter::kSource, 1, 200}, 12.5);
  shard.recordRequest(
      {Reporter::kDestination, -1, 0, -1, ResponseFlag::kDownstreamConnectionTermination}, 20000);
  const std::string text = renderPrometheus(collectStats({&shard}), kLabels);
  const std::string source =
      "reporter=\"source\",source_workload=\"productpage-v1\",destination_service_name="
      "\"reviews\",destination_version=\"v2\",destination_cluster=\"reviews.v2\","
      "response_code=\"200\",response_flags=\"-\"";
  const std::string destination =
      "reporter=\"destination\",source_workload=\"unknown\",destination_service_name=\"unknown\","
      "destination_version=\"unknown\",destination_cluster=\"unknown\",response_code=\"0\","
      "response_flags=\"DC\"";
  for (const std::string& line : std::vector<std::string>{
           "# TYPE istio_requests_total counter\n",
           "istio_requests_total{" + source + "} 1\n",
           "istio_requests_total{" + destination + "} 1\n",
           "# TYPE istio_request_duration_milliseconds histogram\n",
           "istio_request_duration_milliseconds_bucket{" + source + ",le=\"10\"} 0\n",
           "istio_request_duration_milliseconds_bucket{" + source + ",le=\"25\"} 1\n",
           "istio_request_duration_milliseconds_bucket{" + source + ",le=\"10000\"} 1\n",
           "istio_request_duration_milliseconds_bucket{" + source + ",le=\"+Inf\"} 1\n",
           "istio_request_duration_milliseconds_sum{" + source + "} 12.5\n",
           "istio_request_duration_milliseconds_count{" + source + "} 1\n",
           "istio_request_duration_milliseconds_bucket{" + destination + ",le=\"10000\"} 0\n",
           "istio_request_duration_milliseconds_bucket{" + destination + ",le=\"+Inf\"} 1\n",
           "# TYPE meshc_upstream_connections_active gauge\nmeshc_upstream_connections_active 0\n",
           "meshc_upstream_connect_failures_total 0\n",
           "# TYPE meshc_downstream_accept_failures_total counter\n"
           "meshc_downstream_accept_failures_total 0\n",
       }) {
    EXPECT_NE(text.find(line), std::string::npos) << "missing: " << line << "in:\n" << text;
  }
  // Prometheus wants each family's samples together: every counter line before the histogram.
  EXPECT_LT(text.rfind("istio_requests_total{"), text.find("istio_request_duration"));
}

TEST(Stats, EscapesLabelValues) {
  StatsShard shard;
  shard.recordRequest({Reporter::kSource, 0, 200}, 1);
  const MetricLabels labels{"a\"b\\c\nd", {{"s", "v", "c"}}, {}};
  const std::string text = renderPrometheus(collectStats({&shard}), labels);
  EXPECT_NE(text.find("source_workload=\"a\\\"b\\\\c\\nd\""), std::string::npos) << text;
}

TEST(Stats, CountsMirrorsPerClusterAndResult) {
  StatsShard first(2);
  StatsShard second(2);
  first.recordMirror(1, MirrorResult::kSent);
  first.recordMirror(1, MirrorResult::kSucceeded);
  second.recordMirror(1, MirrorResult::kSent);
  second.recordMirror(1, MirrorResult::kFailed);
  second.recordMirror(1, MirrorResult::kSkipped);
  second.recordMirror(7, MirrorResult::kSent);  // not a cluster of the module: ignored
  const StatsSnapshot snapshot = collectStats({&first, &second});
  ASSERT_EQ(snapshot.mirrors.size(), 1u) << "a cluster never mirrored to has no series";
  const std::string text = renderPrometheus(snapshot, kLabels);
  for (const std::string& line : std::vector<std::string>{
           "# TYPE mesh_mirror_requests_total counter\n",
           "mesh_mirror_requests_total{cluster=\"reviews.v2\",result=\"sent\"} 2\n",
           "mesh_mirror_requests_total{cluster=\"reviews.v2\",result=\"succeeded\"} 1\n",
           "mesh_mirror_requests_total{cluster=\"reviews.v2\",result=\"failed\"} 1\n",
           "mesh_mirror_requests_total{cluster=\"reviews.v2\",result=\"skipped\"} 1\n",
       }) {
    EXPECT_NE(text.find(line), std::string::npos) << "missing: " << line << "in:\n" << text;
  }
  EXPECT_EQ(text.find("cluster=\"reviews.v1\""), std::string::npos);
}

TEST(Stats, CountsRetriesPerClusterCauseAndRefusal) {
  StatsShard first(2);
  StatsShard second(2);
  first.recordRetry(1, RetryEvent::kRetriedStatus);
  first.recordRetry(1, RetryEvent::kRetriedConnectFailure);
  second.recordRetry(1, RetryEvent::kRetriedStatus);
  second.recordRetry(1, RetryEvent::kRefusedBudget);
  second.recordRetry(1, RetryEvent::kRefusedExhausted);
  second.recordRetry(9, RetryEvent::kRetriedReset);  // not a cluster of the module: ignored
  const StatsSnapshot snapshot = collectStats({&first, &second});
  ASSERT_EQ(snapshot.retries.size(), 1u) << "a cluster never retried has no series";
  const std::string text = renderPrometheus(snapshot, kLabels);
  for (const std::string& line : std::vector<std::string>{
           "# TYPE mesh_retries_total counter\n",
           "mesh_retries_total{cluster=\"reviews.v2\",cause=\"connect_failure\"} 1\n",
           "mesh_retries_total{cluster=\"reviews.v2\",cause=\"reset\"} 0\n",
           "mesh_retries_total{cluster=\"reviews.v2\",cause=\"per_try_timeout\"} 0\n",
           "mesh_retries_total{cluster=\"reviews.v2\",cause=\"status\"} 2\n",
           "# TYPE mesh_retries_refused_total counter\n",
           "mesh_retries_refused_total{cluster=\"reviews.v2\",reason=\"exhausted\"} 1\n",
           "mesh_retries_refused_total{cluster=\"reviews.v2\",reason=\"budget\"} 1\n",
           "mesh_retries_refused_total{cluster=\"reviews.v2\",reason=\"body\"} 0\n",
       }) {
    EXPECT_NE(text.find(line), std::string::npos) << "missing: " << line << "in:\n" << text;
  }
  EXPECT_EQ(text.find("mesh_retries_total{cluster=\"reviews.v1\""), std::string::npos);
}

}  // namespace
}  // namespace mesh
