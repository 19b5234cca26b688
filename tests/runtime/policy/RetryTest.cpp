#include <gtest/gtest.h>

#include <map>

#include "policy/Retry.h"

namespace mesh {
namespace {

mesh_retry config(uint32_t attempts = 2, uint32_t conditions = MESH_RETRY_GATEWAY_ERROR) {
  mesh_retry retry{};
  retry.attempts = attempts;
  retry.conditions = conditions;
  retry.backoff_base_ms = 25;
  retry.backoff_max_ms = 250;
  retry.budget = 2000;
  return retry;
}

RetryPolicy policyOf(uint32_t conditions, std::vector<uint32_t> statuses = {},
                     bool nonIdempotent = false) {
  mesh_retry retry = config(2, conditions);
  retry.statuses = statuses.data();
  retry.status_count = static_cast<uint32_t>(statuses.size());
  retry.non_idempotent = nonIdempotent ? 1 : 0;
  RetryPolicy policy;
  EXPECT_EQ(decodeRetry(retry, policy), "");
  return policy;
}

TEST(Retry, DecodesEveryField) {
  const uint32_t statuses[] = {409, 429};
  mesh_retry retry = config(3, MESH_RETRY_5XX | MESH_RETRY_RESET);
  retry.statuses = statuses;
  retry.status_count = 2;
  retry.per_try_timeout_ms = 500;
  retry.backoff_base_ms = 10;
  retry.backoff_max_ms = 1000;
  retry.budget = 2550;
  retry.non_idempotent = 1;
  RetryPolicy policy;
  ASSERT_EQ(decodeRetry(retry, policy), "");
  EXPECT_EQ(policy.attempts, 3u);
  EXPECT_EQ(policy.conditions, uint32_t{MESH_RETRY_5XX | MESH_RETRY_RESET});
  EXPECT_EQ(policy.statuses, (std::vector<uint16_t>{409, 429}));
  EXPECT_EQ(policy.perTryTimeout, std::chrono::milliseconds(500));
  EXPECT_EQ(policy.backoffBase, std::chrono::milliseconds(10));
  EXPECT_EQ(policy.backoffMax, std::chrono::milliseconds(1000));
  EXPECT_EQ(policy.budget, 2550u);
  EXPECT_TRUE(policy.nonIdempotent);
}

TEST(Retry, RefusesWhatCannotBeRight) {
  RetryPolicy out;
  EXPECT_EQ(decodeRetry(config(0), out), "0 attempts, not within 1-10");
  EXPECT_EQ(decodeRetry(config(11), out), "11 attempts, not within 1-10");
  EXPECT_EQ(decodeRetry(config(1, 1u << 7), out), "unknown retry conditions 0x80");
  mesh_retry nullStatuses = config();
  nullStatuses.status_count = 1;
  EXPECT_EQ(decodeRetry(nullStatuses, out), "a null status list");
  const uint32_t outOfRange[] = {99};
  mesh_retry low = config();
  low.statuses = outOfRange;
  low.status_count = 1;
  EXPECT_EQ(decodeRetry(low, out), "status 99 is not within 100-599");
  const uint32_t unordered[] = {503, 429};
  mesh_retry order = config();
  order.statuses = unordered;
  order.status_count = 2;
  EXPECT_EQ(decodeRetry(order, out), "status 429 is out of order or repeated");
  mesh_retry backoff = config();
  backoff.backoff_base_ms = 0;
  EXPECT_EQ(decodeRetry(backoff, out),
            "backoff 0 ms up to 250 ms: the base must be at least 1 ms and at most the maximum");
  backoff.backoff_base_ms = 300;
  EXPECT_NE(decodeRetry(backoff, out), "");
  mesh_retry budget = config();
  budget.budget = 10001;
  EXPECT_EQ(decodeRetry(budget, out), "budget 10001 is not within 1-10000");
}

TEST(Retry, ConditionsCoverTheEndsEnvoyGivesThem) {
  const RetryPolicy gateway = policyOf(MESH_RETRY_GATEWAY_ERROR);
  for (unsigned status : {502u, 503u, 504u}) {
    EXPECT_TRUE(coversEnd(gateway, AttemptEnd::kResponse, status)) << status;
  }
  for (unsigned status : {200u, 404u, 409u, 500u, 501u, 505u}) {
    EXPECT_FALSE(coversEnd(gateway, AttemptEnd::kResponse, status)) << status;
  }
  EXPECT_TRUE(coversEnd(gateway, AttemptEnd::kConnectFailure, 0));
  EXPECT_TRUE(coversEnd(gateway, AttemptEnd::kReset, 0));
  EXPECT_TRUE(coversEnd(gateway, AttemptEnd::kPerTryTimeout, 0));

  const RetryPolicy any5xx = policyOf(MESH_RETRY_5XX);
  EXPECT_TRUE(coversEnd(any5xx, AttemptEnd::kResponse, 500));
  EXPECT_TRUE(coversEnd(any5xx, AttemptEnd::kResponse, 599));
  EXPECT_FALSE(coversEnd(any5xx, AttemptEnd::kResponse, 499));

  const RetryPolicy connect = policyOf(MESH_RETRY_CONNECT_FAILURE);
  EXPECT_TRUE(coversEnd(connect, AttemptEnd::kConnectFailure, 0));
  EXPECT_FALSE(coversEnd(connect, AttemptEnd::kReset, 0));
  EXPECT_FALSE(coversEnd(connect, AttemptEnd::kPerTryTimeout, 0));
  EXPECT_FALSE(coversEnd(connect, AttemptEnd::kResponse, 503));

  const RetryPolicy reset = policyOf(MESH_RETRY_RESET);
  EXPECT_FALSE(coversEnd(reset, AttemptEnd::kConnectFailure, 0));
  EXPECT_TRUE(coversEnd(reset, AttemptEnd::kReset, 0));
  EXPECT_TRUE(coversEnd(reset, AttemptEnd::kPerTryTimeout, 0));
  EXPECT_FALSE(coversEnd(reset, AttemptEnd::kResponse, 502));

  const RetryPolicy conflicts = policyOf(MESH_RETRY_RETRIABLE_4XX);
  EXPECT_TRUE(coversEnd(conflicts, AttemptEnd::kResponse, 409));
  EXPECT_FALSE(coversEnd(conflicts, AttemptEnd::kResponse, 429));

  const RetryPolicy listed = policyOf(0, {429, 503});
  EXPECT_TRUE(coversEnd(listed, AttemptEnd::kResponse, 429));
  EXPECT_TRUE(coversEnd(listed, AttemptEnd::kResponse, 503));
  EXPECT_FALSE(coversEnd(listed, AttemptEnd::kResponse, 502));
  EXPECT_FALSE(coversEnd(listed, AttemptEnd::kConnectFailure, 0));
}

TEST(Retry, OnlyIdempotentMethodsAreRepeatedUnlessThePolicySaysSo) {
  const RetryPolicy cautious = policyOf(MESH_RETRY_5XX);
  EXPECT_TRUE(methodAllowsRetry(cautious, AttemptEnd::kConnectFailure, false));
  EXPECT_FALSE(methodAllowsRetry(cautious, AttemptEnd::kReset, false));
  EXPECT_FALSE(methodAllowsRetry(cautious, AttemptEnd::kPerTryTimeout, false));
  EXPECT_FALSE(methodAllowsRetry(cautious, AttemptEnd::kResponse, false));
  EXPECT_TRUE(methodAllowsRetry(cautious, AttemptEnd::kResponse, true));
  const RetryPolicy bold = policyOf(MESH_RETRY_5XX, {}, true);
  EXPECT_TRUE(methodAllowsRetry(bold, AttemptEnd::kReset, false));
  EXPECT_TRUE(methodAllowsRetry(bold, AttemptEnd::kResponse, false));
}

TEST(Retry, BackoffIsFullJitterUnderADoublingCap) {
  const RetryPolicy policy = policyOf(MESH_RETRY_5XX);  // 25 ms, at most 250 ms
  // The cap for each retry: a draw of cap - 1 waits cap - 1 ms, a draw of cap waits nothing.
  EXPECT_EQ(backoffBefore(policy, 1, 24), std::chrono::milliseconds(24));
  EXPECT_EQ(backoffBefore(policy, 1, 25), std::chrono::milliseconds(0));
  EXPECT_EQ(backoffBefore(policy, 2, 49), std::chrono::milliseconds(49));
  EXPECT_EQ(backoffBefore(policy, 2, 50), std::chrono::milliseconds(0));
  EXPECT_EQ(backoffBefore(policy, 3, 99), std::chrono::milliseconds(99));
  EXPECT_EQ(backoffBefore(policy, 4, 199), std::chrono::milliseconds(199));
  EXPECT_EQ(backoffBefore(policy, 5, 249), std::chrono::milliseconds(249));
  EXPECT_EQ(backoffBefore(policy, 5, 250), std::chrono::milliseconds(0));
  EXPECT_EQ(backoffBefore(policy, 10, 249), std::chrono::milliseconds(249));
  // Uniform: over draws from the runtime's mix, each of the 25 waits of a first retry gets its
  // share (400 of 10000, within 25%).
  std::map<int64_t, int> waits;
  for (uint64_t seed = 0; seed < 10000; ++seed) {
    ++waits[backoffBefore(policy, 1, mesh_draw(seed, 7)).count()];
  }
  ASSERT_EQ(waits.size(), 25u);
  for (const auto& [wait, count] : waits) EXPECT_NEAR(count, 400, 100) << wait;
}

TEST(Retry, LongBackoffsDoNotOverflow) {
  mesh_retry retry = config();
  retry.backoff_base_ms = 24ull * 3600 * 1000;
  retry.backoff_max_ms = 24ull * 3600 * 1000;
  RetryPolicy policy;
  ASSERT_EQ(decodeRetry(retry, policy), "");
  EXPECT_LT(backoffBefore(policy, 10, ~uint64_t{0}), policy.backoffMax);
}

TEST(Retry, TheBudgetIsAShareOfActiveRequestsWithAFloor) {
  // 20%: with 100 active requests, 20 retries may be in flight.
  EXPECT_TRUE(budgetAllowsRetry(2000, 100, 19));
  EXPECT_FALSE(budgetAllowsRetry(2000, 100, 20));
  // A quiet cluster may always have three.
  EXPECT_TRUE(budgetAllowsRetry(2000, 1, 2));
  EXPECT_FALSE(budgetAllowsRetry(2000, 1, kMinRetryConcurrency));
  EXPECT_TRUE(budgetAllowsRetry(10000, 50, 49));
  EXPECT_FALSE(budgetAllowsRetry(10000, 50, 50));
}

TEST(Retry, CausesAreLabels) {
  EXPECT_EQ(retryCause(AttemptEnd::kConnectFailure), "connect_failure");
  EXPECT_EQ(retryCause(AttemptEnd::kReset), "reset");
  EXPECT_EQ(retryCause(AttemptEnd::kPerTryTimeout), "per_try_timeout");
  EXPECT_EQ(retryCause(AttemptEnd::kResponse), "status");
}

}  // namespace
}  // namespace mesh
