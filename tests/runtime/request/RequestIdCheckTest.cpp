#include <gtest/gtest.h>

#include <string>

#include "request/RequestIdCheck.h"

namespace mesh {
namespace {

TEST(RequestIdCheck, VisibleAsciiUpToTheLimitIsUsable) {
  EXPECT_TRUE(isUsableRequestId("abc"));
  EXPECT_TRUE(isUsableRequestId("01234567-89ab-4def-bedc-ba9876543210"));
  EXPECT_TRUE(isUsableRequestId("!~"));
  EXPECT_TRUE(isUsableRequestId(std::string(kMaxRequestIdLength, 'a')));
}

TEST(RequestIdCheck, AnythingElseIsNot) {
  EXPECT_FALSE(isUsableRequestId(""));
  EXPECT_FALSE(isUsableRequestId(std::string(kMaxRequestIdLength + 1, 'a')));
  EXPECT_FALSE(isUsableRequestId("a b"));
  EXPECT_FALSE(isUsableRequestId("a\tb"));
  EXPECT_FALSE(isUsableRequestId("a\x01"));
  EXPECT_FALSE(isUsableRequestId("a\x7f"));
  EXPECT_FALSE(isUsableRequestId("caf\xc3\xa9"));
}

TEST(RequestIdCheck, TheFieldNameInAnyCase) {
  EXPECT_TRUE(isRequestIdField("x-request-id"));
  EXPECT_TRUE(isRequestIdField("X-Request-ID"));
  EXPECT_FALSE(isRequestIdField("x-request-identifier"));
  EXPECT_FALSE(isRequestIdField("x-request-i"));
}

}  // namespace
}  // namespace mesh
