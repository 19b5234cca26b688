#include <gtest/gtest.h>

#include "request/RequestTarget.h"

namespace mesh {
namespace {

TEST(RequestTarget, SplitsOriginForm) {
  const TargetParts parts = splitRequestTarget("/reviews/1?user=jason&x=1");
  EXPECT_FALSE(parts.absoluteForm);
  EXPECT_EQ(parts.authority, "");
  EXPECT_EQ(parts.path, "/reviews/1");
  EXPECT_EQ(parts.query, "user=jason&x=1");
  EXPECT_EQ(splitRequestTarget("/a?").query, "");
  EXPECT_EQ(splitRequestTarget("/a#frag").path, "/a");
}

TEST(RequestTarget, SplitsAbsoluteForm) {
  TargetParts parts = splitRequestTarget("HTTP://Reviews:9080/r/1?q=2");
  EXPECT_TRUE(parts.absoluteForm);
  EXPECT_EQ(parts.authority, "Reviews:9080");
  EXPECT_EQ(parts.path, "/r/1");
  EXPECT_EQ(parts.query, "q=2");
  parts = splitRequestTarget("https://details");
  EXPECT_EQ(parts.authority, "details");
  EXPECT_EQ(parts.path, "/") << "an absolute-form without a path means /";
  parts = splitRequestTarget("http://details?x");
  EXPECT_EQ(parts.path, "/");
  EXPECT_EQ(parts.query, "x");
}

TEST(RequestTarget, SplitsAuthorityIntoHostAndPort) {
  auto parts = splitAuthority("Reviews.Default:9080");
  ASSERT_TRUE(parts);
  EXPECT_EQ(parts->host, "Reviews.Default") << "lower-casing is the caller's job";
  EXPECT_EQ(parts->port, 9080u);
  parts = splitAuthority("reviews");
  ASSERT_TRUE(parts);
  EXPECT_EQ(parts->port, 0u);
  parts = splitAuthority("reviews.:80");
  EXPECT_EQ(parts->host, "reviews") << "a trailing dot names the same host";
  parts = splitAuthority("[::1]:8080");
  EXPECT_EQ(parts->host, "::1");
  EXPECT_EQ(parts->port, 8080u);
  parts = splitAuthority("user:pw@details:81");
  EXPECT_EQ(parts->host, "details");
  EXPECT_EQ(parts->port, 81u);
  parts = splitAuthority("");
  ASSERT_TRUE(parts) << "an empty Host is legal; the policy will find no service";
  EXPECT_EQ(parts->host, "");
}

TEST(RequestTarget, RejectsMalformedAuthority) {
  for (const char* bad :
       {"rev iews", "reviews:80x", "reviews:70000", "[::1", "[::1]x", "a/b", "[zz]:80", "a\"b"}) {
    EXPECT_FALSE(splitAuthority(bad)) << bad;
  }
}

}  // namespace
}  // namespace mesh
