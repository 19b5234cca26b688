#include "policy/Retry.h"

#include <fmt/format.h>

#include <algorithm>

namespace mesh {
namespace {

constexpr uint32_t kKnownConditions = MESH_RETRY_5XX | MESH_RETRY_GATEWAY_ERROR | MESH_RETRY_RESET |
                                      MESH_RETRY_CONNECT_FAILURE | MESH_RETRY_RETRIABLE_4XX;
constexpr uint32_t kMaxAttempts = 10;
// As Envoy's 5xx and gateway-error, which also retry every failure to get a response.
constexpr uint32_t kServerErrorConditions = MESH_RETRY_5XX | MESH_RETRY_GATEWAY_ERROR;

bool has(uint32_t conditions, uint32_t condition) { return (conditions & condition) != 0; }

}  // namespace

std::string decodeRetry(const mesh_retry& config, RetryPolicy& out) {
  if (config.attempts == 0 || config.attempts > kMaxAttempts) {
    return fmt::format("{} attempts, not within 1-{}", config.attempts, kMaxAttempts);
  }
  if ((config.conditions & ~kKnownConditions) != 0) {
    return fmt::format("unknown retry conditions 0x{:x}", config.conditions & ~kKnownConditions);
  }
  if (config.status_count > 0 && !config.statuses) return "a null status list";
  std::vector<uint16_t> statuses;
  for (uint32_t i = 0; i < config.status_count; ++i) {
    const uint32_t status = config.statuses[i];
    if (status < 100 || status > 599) {
      return fmt::format("status {} is not within 100-599", status);
    }
    if (!statuses.empty() && status <= statuses.back()) {
      return fmt::format("status {} is out of order or repeated", status);
    }
    statuses.push_back(static_cast<uint16_t>(status));
  }
  if (config.backoff_base_ms == 0 || config.backoff_max_ms < config.backoff_base_ms) {
    return fmt::format("backoff {} ms up to {} ms: the base must be at least 1 ms and at most the "
                       "maximum",
                       config.backoff_base_ms, config.backoff_max_ms);
  }
  if (config.budget == 0 || config.budget > 10000) {
    return fmt::format("budget {} is not within 1-10000", config.budget);
  }
  out.attempts = config.attempts;
  out.conditions = config.conditions;
  out.statuses = std::move(statuses);
  out.perTryTimeout = std::chrono::milliseconds(config.per_try_timeout_ms);
  out.backoffBase = std::chrono::milliseconds(config.backoff_base_ms);
  out.backoffMax = std::chrono::milliseconds(config.backoff_max_ms);
  out.budget = config.budget;
  out.nonIdempotent = config.non_idempotent != 0;
  return {};
}

bool coversEnd(const RetryPolicy& policy, AttemptEnd end, unsigned status) {
  const uint32_t conditions = policy.conditions;
  switch (end) {
    case AttemptEnd::kConnectFailure:
      return has(conditions, kServerErrorConditions | MESH_RETRY_CONNECT_FAILURE);
    case AttemptEnd::kReset:
    case AttemptEnd::kPerTryTimeout:
      return has(conditions, kServerErrorConditions | MESH_RETRY_RESET);
    case AttemptEnd::kResponse:
      break;
  }
  if (has(conditions, MESH_RETRY_5XX) && status >= 500 && status <= 599) return true;
  if (has(conditions, MESH_RETRY_GATEWAY_ERROR) && status >= 502 && status <= 504) return true;
  if (has(conditions, MESH_RETRY_RETRIABLE_4XX) && status == 409) return true;
  return std::binary_search(policy.statuses.begin(), policy.statuses.end(), status);
}

bool methodAllowsRetry(const RetryPolicy& policy, AttemptEnd end, bool idempotentMethod) {
  switch (end) {
    case AttemptEnd::kConnectFailure:
      return true;
    case AttemptEnd::kReset:
    case AttemptEnd::kPerTryTimeout:
    case AttemptEnd::kResponse:
      return idempotentMethod || policy.nonIdempotent;
  }
  return false;
}

std::chrono::milliseconds backoffBefore(const RetryPolicy& policy, uint32_t retry,
                                        uint64_t random) {
  // Doubling stops at the maximum: past 2^20 the product would not fit for long bases.
  const uint64_t base = static_cast<uint64_t>(policy.backoffBase.count());
  const uint64_t max = static_cast<uint64_t>(policy.backoffMax.count());
  uint64_t cap = base;
  for (uint32_t i = 1; i < retry && cap < max; ++i) cap *= 2;
  cap = std::min(cap, max);
  return std::chrono::milliseconds(random % cap);
}

bool budgetAllowsRetry(uint32_t budget, uint32_t activeRequests, uint32_t activeRetries) {
  const uint64_t allowed = static_cast<uint64_t>(activeRequests) * budget / 10000;
  return activeRetries < std::max<uint64_t>(allowed, kMinRetryConcurrency);
}

std::string_view retryCause(AttemptEnd end) {
  switch (end) {
    case AttemptEnd::kConnectFailure:
      return "connect_failure";
    case AttemptEnd::kReset:
      return "reset";
    case AttemptEnd::kPerTryTimeout:
      return "per_try_timeout";
    case AttemptEnd::kResponse:
      return "status";
  }
  return "unknown";
}

}  // namespace mesh
