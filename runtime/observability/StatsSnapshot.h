#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "observability/StatsShard.h"

namespace mesh {

struct SeriesTotals {
  uint64_t count = 0;
  std::array<uint64_t, kDurationBucketCount> buckets{};  // not cumulative
  double sumMs = 0;
};

// The statistics of all workers added up at one moment (each counter is read once, so totals
// are consistent per counter, not across counters; Prometheus tolerates that).
struct StatsSnapshot {
  std::map<RequestSeriesKey, SeriesTotals> requests;  // ordered, so output is stable
  int64_t upstreamConnectionsActive = 0;
  uint64_t upstreamConnectFailures = 0;
  uint64_t downstreamAcceptFailures = 0;
  uint64_t droppedSamples = 0;
  std::array<uint64_t, kTlsDirectionCount> mtlsConnections{};
  // [TlsDirection][indexOf(TlsFailure)]
  std::array<std::array<uint64_t, kTlsFailureCount>, kTlsDirectionCount> mtlsFailures{};
  // When the workload's certificate expires (Unix seconds), if the sidecar has one. Not from the
  // shards: the admin thread sets it from the credentials in use.
  std::optional<int64_t> certificateNotAfter;
  // Mirrored requests by cluster index and MirrorResult; clusters never mirrored to are absent.
  std::map<uint32_t, std::array<uint64_t, kMirrorResultCount>> mirrors;
  // Retry events by cluster index and RetryEvent; clusters without any are absent.
  std::map<uint32_t, std::array<uint64_t, kRetryEventCount>> retries;
};

StatsSnapshot collectStats(const std::vector<const StatsShard*>& shards);

}  // namespace mesh
