#include <gtest/gtest.h>

#include <vector>

#include "upstream/RoundRobin.h"

namespace mesh {
namespace {

std::vector<Endpoint> endpoints(size_t count) {
  std::vector<Endpoint> list(count);
  for (size_t i = 0; i < count; ++i) list[i].id = static_cast<uint32_t>(i);
  return list;
}

TEST(RoundRobin, CyclesThroughEndpoints) {
  RoundRobin rr(0);
  const auto three = endpoints(3);
  EXPECT_EQ(rr.pick(three), 0u);
  EXPECT_EQ(rr.pick(three), 1u);
  EXPECT_EQ(rr.pick(three), 2u);
  EXPECT_EQ(rr.pick(three), 0u);
}

TEST(RoundRobin, WorkersStartAtDifferentEndpoints) {
  RoundRobin second(1);
  const auto two = endpoints(2);
  EXPECT_EQ(second.pick(two), 1u);
  EXPECT_EQ(second.pick(two), 0u);
}

TEST(RoundRobin, StaysInRangeWhenTheEndpointCountShrinks) {
  RoundRobin rr(7);
  const auto one = endpoints(1);
  for (int i = 0; i < 10; ++i) EXPECT_LT(rr.pick(one), 1u);
  const auto three = endpoints(3);
  rr.pick(three);
  EXPECT_LT(rr.pick(endpoints(2)), 2u);
}

}  // namespace
}  // namespace mesh
