#include <gtest/gtest.h>

#include "http/MirrorSender.h"

namespace mesh {
namespace {

using std::chrono::milliseconds;

TEST(MirrorSender, AMirrorHasItsRulesTimeoutAtMostTenSeconds) {
  EXPECT_EQ(mirrorTimeout(0), kMaxMirrorTime) << "a rule without a timeout";
  EXPECT_EQ(mirrorTimeout(250), milliseconds(250));
  EXPECT_EQ(mirrorTimeout(10'000), milliseconds(10'000));
  EXPECT_EQ(mirrorTimeout(10'001), kMaxMirrorTime);
  EXPECT_EQ(mirrorTimeout(24 * 3'600'000), kMaxMirrorTime);
}

}  // namespace
}  // namespace mesh
