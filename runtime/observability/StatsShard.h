#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <type_traits>
#include <unordered_map>

#include "observability/ResponseFlag.h"
#include "tls/TlsFailure.h"

namespace mesh {

enum class Reporter : uint8_t {
  kSource,       // the outbound listener: this workload called a service
  kDestination,  // the inbound listener: a caller reached this workload
};

// What one istio_requests_total series is about. Label text is looked up only when rendering.
struct RequestSeriesKey {
  Reporter reporter = Reporter::kSource;
  int32_t cluster = -1;       // index into the module's clusters; -1 when no route was found
  uint16_t responseCode = 0;  // what the client got; 0 when it got no response (see `flag`)
  int16_t variant = -1;       // an experiment's variant (RuleTable::variants()), or -1
  ResponseFlag flag = ResponseFlag::kNone;

  bool operator==(const RequestSeriesKey&) const = default;
  auto operator<=>(const RequestSeriesKey&) const = default;
};

// What became of one mirrored request (mesh_mirror_requests_total's `result`). A copy that went
// out counts as sent, then as succeeded or failed; a copy never sent counts only as skipped.
enum class MirrorResult : uint8_t {
  kSent,       // dispatched to the mirror cluster
  kSucceeded,  // a whole response came back, whatever its status
  kFailed,     // no connection, an I/O error, the mirror's timeout or a drain
  kSkipped,    // not sent: over a memory limit, the body never arrived whole, or a drain
};
inline constexpr size_t kMirrorResultCount = 4;

// What a rule's retry policy did about an attempt that failed in a way it covers: sent a retry,
// for one of four causes (mesh_retries_total's `cause`), or refused one (mesh_retries_refused_total's
// `reason`).
enum class RetryEvent : uint8_t {
  kRetriedConnectFailure,  // no connection could be made
  kRetriedReset,           // the connection failed before a response head
  kRetriedPerTryTimeout,   // no response head within the per-try timeout
  kRetriedStatus,          // a response status the policy retries
  kRefusedExhausted,       // every attempt was used
  kRefusedBudget,          // the cluster's retry budget was spent
  kRefusedBody,            // the body did not fit the replay buffer, or never arrived whole
};
inline constexpr size_t kRetryEventCount = 7;
inline constexpr size_t kRetriedCauseCount = 4;  // the first four

// Which side of the sidecar a mutual TLS connection is on.
enum class TlsDirection : uint8_t {
  kInbound,   // a caller connected to this workload
  kOutbound,  // this workload connected to an upstream
};
inline constexpr size_t kTlsDirectionCount = 2;

// Upper bounds in milliseconds, as Istio's istio_request_duration_milliseconds (+Inf is implied).
inline constexpr std::array<double, 12> kDurationBucketsMs = {1,   5,   10,   25,   50,   100,
                                                              250, 500, 1000, 2500, 5000, 10000};
inline constexpr size_t kDurationBucketCount = kDurationBucketsMs.size() + 1;

// The statistics of one worker. Exactly one thread (the worker) writes; any thread may read. Each
// counter has a single writer, so a relaxed load and store replaces a locked read-modify-write,
// and the request path takes no lock. Series are appended to a fixed array and published with a
// release store of the count, so a reader never sees a half-written key.
class StatsShard {
 public:
  static constexpr size_t kMaxSeries = 1024;

  struct Series {
    RequestSeriesKey key;
    std::atomic<uint64_t> count{0};
    std::array<std::atomic<uint64_t>, kDurationBucketCount> buckets{};  // not cumulative
    std::atomic<double> sumMs{0};
  };

  // `clusterCount`: the module's clusters, which mirror and retry counters are kept for.
  explicit StatsShard(uint32_t clusterCount = 0);

  // Writer side: the owning worker only.
  void recordRequest(RequestSeriesKey key, double durationMs);
  void connectionOpened() { bump(connectionsOpened_, 1); }
  void connectionClosed() { bump(connectionsClosed_, 1); }
  void connectFailed() { bump(connectFailures_, 1); }
  void acceptFailed() { bump(acceptFailures_, 1); }
  void mtlsEstablished(TlsDirection direction) { bump(mtlsConnections_[index(direction)], 1); }
  void mtlsFailed(TlsDirection direction, TlsFailure failure) {
    bump(mtlsFailures_[index(direction) * kTlsFailureCount + indexOf(failure)], 1);
  }
  void recordMirror(uint32_t cluster, MirrorResult result) {
    if (cluster < clusterCount_) bump(mirrors_[cluster * kMirrorResultCount + index(result)], 1);
  }
  void recordRetry(uint32_t cluster, RetryEvent event) {
    if (cluster < clusterCount_) bump(retries_[cluster * kRetryEventCount + index(event)], 1);
  }

  // Reader side: any thread.
  size_t seriesCount() const { return published_.load(std::memory_order_acquire); }
  const Series& series(size_t index) const { return series_[index]; }
  uint64_t connectionsOpened() const { return connectionsOpened_.load(std::memory_order_relaxed); }
  uint64_t connectionsClosed() const { return connectionsClosed_.load(std::memory_order_relaxed); }
  uint64_t connectFailures() const { return connectFailures_.load(std::memory_order_relaxed); }
  uint64_t acceptFailures() const { return acceptFailures_.load(std::memory_order_relaxed); }
  uint64_t mtlsConnections(TlsDirection direction) const {
    return mtlsConnections_[index(direction)].load(std::memory_order_relaxed);
  }
  uint64_t mtlsFailures(TlsDirection direction, TlsFailure failure) const {
    return mtlsFailures_[index(direction) * kTlsFailureCount + indexOf(failure)].load(
        std::memory_order_relaxed);
  }
  uint64_t droppedSamples() const { return dropped_.load(std::memory_order_relaxed); }
  uint32_t clusterCount() const { return clusterCount_; }
  uint64_t mirrors(uint32_t cluster, MirrorResult result) const {
    return mirrors_[cluster * kMirrorResultCount + index(result)].load(std::memory_order_relaxed);
  }
  uint64_t retries(uint32_t cluster, RetryEvent event) const {
    return retries_[cluster * kRetryEventCount + index(event)].load(std::memory_order_relaxed);
  }

 private:
  template <typename T>
  static void bump(std::atomic<T>& counter, std::type_identity_t<T> amount) {
    counter.store(counter.load(std::memory_order_relaxed) + amount, std::memory_order_relaxed);
  }
  static uint64_t packKey(RequestSeriesKey key);
  static size_t index(MirrorResult result) { return static_cast<size_t>(result); }
  static size_t index(RetryEvent event) { return static_cast<size_t>(event); }
  static size_t index(TlsDirection direction) { return static_cast<size_t>(direction); }

  std::unique_ptr<Series[]> series_;
  std::atomic<size_t> published_{0};
  std::unordered_map<uint64_t, uint32_t> index_;  // writer-only: key -> slot
  // Opened and closed are separate monotonic counters (each single-writer); the gauge of active
  // connections is their difference, summed over shards by the reader.
  std::atomic<uint64_t> connectionsOpened_{0};
  std::atomic<uint64_t> connectionsClosed_{0};
  std::atomic<uint64_t> connectFailures_{0};
  std::atomic<uint64_t> acceptFailures_{0};  // of a listener's accept(), e.g. out of descriptors
  std::array<std::atomic<uint64_t>, kTlsDirectionCount> mtlsConnections_{};  // handshakes done
  std::array<std::atomic<uint64_t>, kTlsDirectionCount * kTlsFailureCount> mtlsFailures_{};
  std::atomic<uint64_t> dropped_{0};
  uint32_t clusterCount_ = 0;
  std::unique_ptr<std::atomic<uint64_t>[]> mirrors_;  // [cluster][MirrorResult]
  std::unique_ptr<std::atomic<uint64_t>[]> retries_;  // [cluster][RetryEvent]
};

}  // namespace mesh
