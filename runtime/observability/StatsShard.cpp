#include "observability/StatsShard.h"

namespace mesh {

StatsShard::StatsShard(uint32_t clusterCount)
    : series_(std::make_unique<Series[]>(kMaxSeries)),
      clusterCount_(clusterCount),
      mirrors_(std::make_unique<std::atomic<uint64_t>[]>(clusterCount * kMirrorResultCount)),
      retries_(std::make_unique<std::atomic<uint64_t>[]>(clusterCount * kRetryEventCount)) {}

// HTTP status codes have three digits, so ten bits hold one and the flag takes the other six.
static_assert(kResponseFlagCount <= 64);

uint64_t StatsShard::packKey(RequestSeriesKey key) {
  return (static_cast<uint64_t>(key.reporter) << 63) |
         (static_cast<uint64_t>(static_cast<uint16_t>(key.variant) & 0x7fff) << 48) |
         (static_cast<uint64_t>(static_cast<uint32_t>(key.cluster)) << 16) |
         (static_cast<uint64_t>(key.flag) << 10) | (key.responseCode & 0x3ffu);
}

void StatsShard::recordRequest(RequestSeriesKey key, double durationMs) {
  const uint64_t packed = packKey(key);
  auto found = index_.find(packed);
  if (found == index_.end()) {
    const size_t slot = published_.load(std::memory_order_relaxed);
    if (slot == kMaxSeries) {
      bump(dropped_, 1);
      return;
    }
    series_[slot].key = key;
    published_.store(slot + 1, std::memory_order_release);
    found = index_.emplace(packed, static_cast<uint32_t>(slot)).first;
  }
  Series& series = series_[found->second];
  size_t bucket = 0;
  while (bucket < kDurationBucketsMs.size() && durationMs > kDurationBucketsMs[bucket]) ++bucket;
  bump(series.count, 1);
  bump(series.buckets[bucket], 1);
  bump(series.sumMs, durationMs);
}

}  // namespace mesh
