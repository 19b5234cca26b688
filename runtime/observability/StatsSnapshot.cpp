#include "observability/StatsSnapshot.h"

namespace mesh {

StatsSnapshot collectStats(const std::vector<const StatsShard*>& shards) {
  StatsSnapshot snapshot;
  uint64_t opened = 0;
  uint64_t closed = 0;
  for (const StatsShard* shard : shards) {
    const size_t count = shard->seriesCount();
    for (size_t i = 0; i < count; ++i) {
      const StatsShard::Series& series = shard->series(i);
      SeriesTotals& totals = snapshot.requests[series.key];
      totals.count += series.count.load(std::memory_order_relaxed);
      for (size_t b = 0; b < kDurationBucketCount; ++b) {
        totals.buckets[b] += series.buckets[b].load(std::memory_order_relaxed);
      }
      totals.sumMs += series.sumMs.load(std::memory_order_relaxed);
    }
    // Read closed before opened: a connection opened and closed between the two reads then
    // shows as active for one scrape instead of making the gauge negative.
    closed += shard->connectionsClosed();
    opened += shard->connectionsOpened();
    snapshot.upstreamConnectFailures += shard->connectFailures();
    snapshot.downstreamAcceptFailures += shard->acceptFailures();
    snapshot.droppedSamples += shard->droppedSamples();
    for (size_t d = 0; d < kTlsDirectionCount; ++d) {
      const auto direction = static_cast<TlsDirection>(d);
      snapshot.mtlsConnections[d] += shard->mtlsConnections(direction);
      for (size_t f = 0; f < kTlsFailureCount; ++f) {
        snapshot.mtlsFailures[d][f] +=
            shard->mtlsFailures(direction, static_cast<TlsFailure>(f + 1));
      }
    }
    for (uint32_t c = 0; c < shard->clusterCount(); ++c) {
      std::array<uint64_t, kMirrorResultCount> counts{};
      bool any = false;
      for (size_t r = 0; r < kMirrorResultCount; ++r) {
        counts[r] = shard->mirrors(c, static_cast<MirrorResult>(r));
        any = any || counts[r] > 0;
      }
      if (!any) continue;
      auto& totals = snapshot.mirrors[c];
      for (size_t r = 0; r < kMirrorResultCount; ++r) totals[r] += counts[r];
    }
    for (uint32_t c = 0; c < shard->clusterCount(); ++c) {
      std::array<uint64_t, kRetryEventCount> counts{};
      bool any = false;
      for (size_t e = 0; e < kRetryEventCount; ++e) {
        counts[e] = shard->retries(c, static_cast<RetryEvent>(e));
        any = any || counts[e] > 0;
      }
      if (!any) continue;
      auto& totals = snapshot.retries[c];
      for (size_t e = 0; e < kRetryEventCount; ++e) totals[e] += counts[e];
    }
  }
  snapshot.upstreamConnectionsActive = static_cast<int64_t>(opened) - static_cast<int64_t>(closed);
  return snapshot;
}

}  // namespace mesh
