#include <gtest/gtest.h>

#include "upstream/RoundRobin.h"

namespace mesh {
namespace {

TEST(RoundRobin, CyclesThroughEndpointsPerCluster) {
  RoundRobin rr(2, 0);
  EXPECT_EQ(rr.next(0, 3), 0u);
  EXPECT_EQ(rr.next(0, 3), 1u);
  EXPECT_EQ(rr.next(1, 2), 0u) << "each cluster has its own cursor";
  EXPECT_EQ(rr.next(0, 3), 2u);
  EXPECT_EQ(rr.next(0, 3), 0u);
  EXPECT_EQ(rr.next(1, 2), 1u);
}

TEST(RoundRobin, WorkersStartAtDifferentEndpoints) {
  RoundRobin second(1, 1);
  EXPECT_EQ(second.next(0, 2), 1u);
  EXPECT_EQ(second.next(0, 2), 0u);
}

TEST(RoundRobin, StaysInRangeWhenTheEndpointCountShrinks) {
  RoundRobin rr(1, 7);
  for (int i = 0; i < 10; ++i) EXPECT_LT(rr.next(0, 1), 1u);
}

}  // namespace
}  // namespace mesh
