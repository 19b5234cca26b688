#include <gtest/gtest.h>

#include "core/LogThrottle.h"

namespace mesh {
namespace {

using std::chrono::milliseconds;

TEST(LogThrottle, LogsOncePerIntervalAndCountsWhatItHeldBack) {
  LogThrottle throttle(std::chrono::seconds(10));
  const LogThrottle::Clock::time_point start;
  EXPECT_EQ(throttle.admit(start), 0u) << "the first one is logged at once";
  // accept() retrying every 50 ms: 40 failures in the next two seconds, none logged.
  for (int i = 1; i <= 40; ++i) EXPECT_FALSE(throttle.admit(start + milliseconds(50 * i)));
  EXPECT_EQ(throttle.admit(start + milliseconds(10'000)), 40u);
  EXPECT_FALSE(throttle.admit(start + milliseconds(10'001)));
  EXPECT_EQ(throttle.admit(start + milliseconds(30'000)), 1u);
}

}  // namespace
}  // namespace mesh
