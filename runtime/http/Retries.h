#pragma once

// A rule's retry policy at work on one exchange. Internal to the runtime (reads the Exchange).

#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

#include "http/Exchange.h"
#include "policy/Retry.h"
#include "upstream/UpstreamState.h"

namespace mesh {

struct WorkerContext;

class Retries {
 public:
  // For an exchange routed to `route.cluster` (not the local application), whose first endpoint
  // is route.endpoint.
  Retries(const RetryPolicy& policy, WorkerContext& worker, const RouteDecision& route);

  // Asked by an attempt when a final response head arrives: whether to drop it and try again
  // instead of relaying it. A yes counts the retry (admit()).
  bool holdsResponse(const Exchange& exchange, unsigned status) {
    return admit(exchange, AttemptEnd::kResponse, status);
  }

  // After an attempt: whether it goes again, and why. A response the attempt held was admitted
  // already; any other end is judged here (admit()).
  std::optional<AttemptEnd> retryAfter(const Exchange& exchange);

  // Where the next attempt goes: an endpoint of the cluster no attempt has tried while there is
  // one. Remembers it as tried.
  const Endpoint* nextEndpoint(const RouteDecision& route);

  // The wait before the next attempt.
  std::chrono::milliseconds backoff(uint64_t random) const {
    return backoffBefore(policy_, retries_, random);
  }

  // A failure the policy covers found every attempt used: what the client gets is the last
  // attempt's outcome (URX when it is the upstream's response).
  bool exhausted() const { return exhausted_; }

 private:
  // Yes when the policy covers the end, an attempt is left, the method allows it, the request
  // can be sent again whole and the cluster's retry budget has room. A yes counts the retry in
  // the stats and in the budget, until the next retry or the end of the exchange.
  bool admit(const Exchange& exchange, AttemptEnd end, unsigned status);

  const RetryPolicy& policy_;
  WorkerContext& worker_;
  const uint32_t cluster_;
  std::vector<uint32_t> tried_;  // endpoint ids
  uint32_t retries_ = 0;
  bool exhausted_ = false;
  std::optional<ActiveRetry> inFlight_;
};

// What an attempt that did not relay a response ended with, as a retry policy sees it; nothing
// when it cannot be retried whatever the policy says (the response reached the client, the client
// left, the route's own timeout or a stall ended the exchange).
std::optional<AttemptEnd> attemptEndOf(const Exchange& exchange);

// Clears what one attempt left in the exchange, so that another can start: its connection,
// writers, response, errors and the timers' verdict on it. The request and its body stay.
void clearAttempt(Exchange& exchange);

}  // namespace mesh
