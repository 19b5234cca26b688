#include "http/Retries.h"

#include "core/WorkerContext.h"
#include "http/MessageFraming.h"

namespace mesh {
namespace {

RetryEvent retriedFor(AttemptEnd end) {
  switch (end) {
    case AttemptEnd::kConnectFailure:
      return RetryEvent::kRetriedConnectFailure;
    case AttemptEnd::kReset:
      return RetryEvent::kRetriedReset;
    case AttemptEnd::kPerTryTimeout:
      return RetryEvent::kRetriedPerTryTimeout;
    case AttemptEnd::kResponse:
      return RetryEvent::kRetriedStatus;
  }
  return RetryEvent::kRetriedReset;
}

// Whether the request can go out again as it went the first time: without a body, with a body
// nothing has read yet (the next attempt reads it from the client), or with one kept whole.
bool canSendAgain(const Exchange& exchange) {
  if (!exchange.facts.hadBody || exchange.requestBody == BodyState::kPending) return true;
  return exchange.requestBody == BodyState::kDone &&
         exchange.replay.state() == ReplayBody::State::kRecording;
}

}  // namespace

Retries::Retries(const RetryPolicy& policy, WorkerContext& worker, const RouteDecision& route)
    : policy_(policy),
      worker_(worker),
      cluster_(static_cast<uint32_t>(route.cluster)),
      tried_{route.endpoint->id} {}

bool Retries::admit(const Exchange& exchange, AttemptEnd end, unsigned status) {
  if (!coversEnd(policy_, end, status)) return false;
  if (retries_ >= policy_.attempts) {
    exhausted_ = true;
    worker_.stats.recordRetry(cluster_, RetryEvent::kRefusedExhausted);
    return false;
  }
  if (!methodAllowsRetry(policy_, end, isIdempotent(exchange.request.get().method()))) {
    return false;
  }
  if (!canSendAgain(exchange)) {
    worker_.stats.recordRetry(cluster_, RetryEvent::kRefusedBody);
    return false;
  }
  ClusterState& cluster = worker_.upstreams.cluster(cluster_);
  // This exchange's own retry in flight, if any, ends with this decision: it is not counted
  // against the next one.
  inFlight_.reset();
  if (!budgetAllowsRetry(policy_.budget, cluster.activeRequests, cluster.activeRetries)) {
    worker_.stats.recordRetry(cluster_, RetryEvent::kRefusedBudget);
    return false;
  }
  inFlight_.emplace(cluster);
  ++retries_;
  worker_.stats.recordRetry(cluster_, retriedFor(end));
  return true;
}

std::optional<AttemptEnd> Retries::retryAfter(const Exchange& exchange) {
  if (exchange.responseState == ResponseState::kHeldForRetry) return AttemptEnd::kResponse;
  const std::optional<AttemptEnd> end = attemptEndOf(exchange);
  if (!end || !admit(exchange, *end, 0)) return std::nullopt;
  return end;
}

const Endpoint* Retries::nextEndpoint(const RouteDecision& route) {
  const Cluster& cluster = route.table->cluster(cluster_);
  const uint32_t pick = worker_.upstreams.pickAnother(cluster_, cluster, tried_);
  const Endpoint* endpoint = &cluster.endpoints[pick];
  tried_.push_back(endpoint->id);
  return endpoint;
}

std::optional<AttemptEnd> attemptEndOf(const Exchange& exchange) {
  if (responseCommitted(exchange.responseState)) return std::nullopt;
  switch (exchange.requestBody) {
    case BodyState::kClientGone:
    case BodyState::kClientMalformed:
      return std::nullopt;
    case BodyState::kPending:
    case BodyState::kReadingClient:
    case BodyState::kWritingUpstream:
    case BodyState::kDone:
    case BodyState::kUpstreamFailed:
    case BodyState::kAbandoned:
      break;
  }
  switch (exchange.abandoned) {
    case Abandoned::kNo:
      break;
    case Abandoned::kConnectBudget:
      return AttemptEnd::kConnectFailure;
    case Abandoned::kTryTimeout:
      return AttemptEnd::kPerTryTimeout;
    case Abandoned::kRouteDeadline:
    case Abandoned::kClientStalled:
    case Abandoned::kUpstreamStalled:
      return std::nullopt;
  }
  if (exchange.connectError) return AttemptEnd::kConnectFailure;
  if (exchange.upstreamError) return AttemptEnd::kReset;
  return std::nullopt;
}

void clearAttempt(Exchange& exchange) {
  exchange.upstream.reset();
  exchange.requestWriter.reset();
  exchange.response.reset();
  exchange.responseWriter.reset();
  exchange.responseState = ResponseState::kNothing;
  exchange.connectError = {};
  exchange.upstreamError = {};
  exchange.upstreamKeepAlive = false;
  exchange.downstreamKeepAlive = false;
  exchange.status = 0;
  exchange.tryDeadline.reset();
  switch (exchange.abandoned) {
    case Abandoned::kConnectBudget:
    case Abandoned::kTryTimeout:
      exchange.abandoned = Abandoned::kNo;
      break;
    case Abandoned::kNo:
    case Abandoned::kRouteDeadline:
    case Abandoned::kClientStalled:
    case Abandoned::kUpstreamStalled:
      break;
  }
}

}  // namespace mesh
