#pragma once

// A rule's retry policy (abi.h mesh_retry) and what it decides about a failed attempt. No I/O:
// the data path asks it, and its tests need no sockets.

#include <chrono>
#include <cstdint>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "mesh/abi.h"

namespace mesh {

struct RetryPolicy {
  uint32_t attempts = 0;    // retries after the first attempt
  uint32_t conditions = 0;  // MESH_RETRY_* bits
  std::vector<uint16_t> statuses;  // further statuses retried, ascending
  std::chrono::milliseconds perTryTimeout{0};  // 0: none
  std::chrono::milliseconds backoffBase{25};
  std::chrono::milliseconds backoffMax{250};
  uint32_t budget = 2000;  // in 1/100 % of the cluster's active requests
  bool nonIdempotent = false;
};

// Refuses attempts outside 1-10, unknown condition bits, statuses outside 100-599 or out of order,
// a backoff base of 0 or above its maximum, and a budget outside 1-10000.
std::string decodeRetry(const mesh_retry& config, RetryPolicy& out);

// How one attempt ended, as far as a retry policy is concerned.
enum class AttemptEnd {
  kConnectFailure,  // no connection could be made: nothing was sent
  kReset,           // the connection failed after it was made, before a response head
  kPerTryTimeout,   // no response head within the policy's per-try timeout
  kResponse,        // a response head with a status
};

// Whether the policy's conditions and statuses cover the attempt's end. A response's status only
// counts for kResponse.
bool coversEnd(const RetryPolicy& policy, AttemptEnd end, unsigned status);

// Whether the request may be sent again after `end`: a connect failure sent nothing, so any
// method may; anything else may have reached the upstream, which is only safe to repeat for an
// idempotent method, unless the policy says every method may be.
bool methodAllowsRetry(const RetryPolicy& policy, AttemptEnd end, bool idempotentMethod);

// The wait before retry `retry` (1 for the first): full jitter, uniform in [0, cap) with cap
// min(backoffMax, backoffBase * 2^(retry - 1)), drawn from `random` (uniform over 64 bits).
std::chrono::milliseconds backoffBefore(const RetryPolicy& policy, uint32_t retry,
                                        uint64_t random);

// Envoy's retry budget: retries in flight stay within `budget` (1/100 %) of the cluster's active
// requests, and a worker may always have kMinRetryConcurrency, so a quiet cluster can retry.
inline constexpr uint32_t kMinRetryConcurrency = 3;
bool budgetAllowsRetry(uint32_t budget, uint32_t activeRequests, uint32_t activeRetries);

inline constexpr size_t kAttemptEndCount = 4;

// What a retry is counted under (mesh_retries_total's `cause`): "connect_failure", "reset",
// "per_try_timeout" or "status".
std::string_view retryCause(AttemptEnd end);

}  // namespace mesh
