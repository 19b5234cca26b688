#include <gtest/gtest.h>

#include <utility>

#include "http/MirrorBudget.h"

namespace mesh {
namespace {

constexpr MirrorBudget::Limits kSmall{100, 3, 1000};

TEST(MirrorBudget, LeasesCountRequestsAndBytesUntilDestroyed) {
  MirrorBudget budget(kSmall);
  {
    MirrorBudget::Lease lease = budget.lease(2, 300);
    ASSERT_TRUE(lease.held());
    EXPECT_EQ(budget.requestsInFlight(), 2u);
    EXPECT_EQ(budget.bytesHeld(), 300u);
    EXPECT_TRUE(lease.grow(200));
    EXPECT_EQ(lease.bytes(), 500u);
    EXPECT_EQ(budget.bytesHeld(), 500u);
  }
  EXPECT_EQ(budget.requestsInFlight(), 0u);
  EXPECT_EQ(budget.bytesHeld(), 0u);
}

TEST(MirrorBudget, RefusesWhatWouldGoOverEitherLimit) {
  MirrorBudget budget(kSmall);
  MirrorBudget::Lease first = budget.lease(2, 600);
  ASSERT_TRUE(first.held());
  EXPECT_FALSE(budget.lease(2, 1).held()) << "3 requests at most";
  EXPECT_FALSE(budget.lease(1, 401).held()) << "1000 bytes at most";
  EXPECT_EQ(budget.requestsInFlight(), 2u) << "a refusal takes nothing";
  EXPECT_EQ(budget.bytesHeld(), 600u);
  MirrorBudget::Lease second = budget.lease(1, 400);
  ASSERT_TRUE(second.held());
  EXPECT_FALSE(second.grow(1));
  EXPECT_EQ(second.bytes(), 400u) << "a refused growth changes nothing";
  EXPECT_FALSE(budget.lease(1, 0).held()) << "all 3 requests are taken";
}

TEST(MirrorBudget, AMovedLeaseIsReleasedOnce) {
  MirrorBudget budget(kSmall);
  MirrorBudget::Lease moved;
  {
    MirrorBudget::Lease lease = budget.lease(1, 10);
    moved = std::move(lease);
    EXPECT_FALSE(lease.held());
  }
  EXPECT_EQ(budget.requestsInFlight(), 1u);
  EXPECT_EQ(budget.bytesHeld(), 10u);
  moved = MirrorBudget::Lease();
  EXPECT_EQ(budget.requestsInFlight(), 0u);
  EXPECT_EQ(budget.bytesHeld(), 0u);
}

}  // namespace
}  // namespace mesh
