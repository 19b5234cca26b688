#include <gtest/gtest.h>

#include "request/RequestTarget.h"

namespace mesh {
namespace {

TargetParts split(std::string_view target, std::string_view method = "GET") {
  TargetParts parts;
  EXPECT_EQ(splitRequestTarget(method, target, parts), RequestProblem::kNone) << target;
  return parts;
}

RequestProblem problemOf(std::string_view target, std::string_view method = "GET") {
  TargetParts parts;
  return splitRequestTarget(method, target, parts);
}

AuthorityParts authority(std::string_view text) {
  AuthorityParts parts;
  EXPECT_EQ(splitAuthority(text, parts), RequestProblem::kNone) << text;
  return parts;
}

TEST(RequestTarget, SplitsOriginForm) {
  const TargetParts parts = split("/reviews/1?user=jason&x=1");
  EXPECT_FALSE(parts.absoluteForm);
  EXPECT_EQ(parts.authority, "");
  EXPECT_EQ(parts.path, "/reviews/1");
  EXPECT_EQ(parts.query, "user=jason&x=1");
  EXPECT_TRUE(parts.hasQuery);
  EXPECT_EQ(split("/a?").query, "");
  EXPECT_TRUE(split("/a?").hasQuery) << "an empty query is still a query";
  EXPECT_FALSE(split("/a").hasQuery);
  EXPECT_EQ(split("/a?b?c").query, "b?c") << "the path ends at the first '?'";
}

TEST(RequestTarget, SplitsAbsoluteForm) {
  TargetParts parts = split("HTTP://Reviews:9080/r/1?q=2");
  EXPECT_TRUE(parts.absoluteForm);
  EXPECT_EQ(parts.authority, "Reviews:9080");
  EXPECT_EQ(parts.path, "/r/1");
  EXPECT_EQ(parts.query, "q=2");
  parts = split("https://details");
  EXPECT_EQ(parts.authority, "details");
  EXPECT_EQ(parts.path, "/") << "an absolute-form without a path means /";
  parts = split("http://details?x");
  EXPECT_EQ(parts.path, "/");
  EXPECT_EQ(parts.query, "x");
}

// RFC 9112 §3.2.4: "OPTIONS *" asks about the server, not a resource, and a proxy forwards an
// absolute-form OPTIONS without a path as "*".
TEST(RequestTarget, AsteriskFormOnlyWithOptions) {
  EXPECT_EQ(split("*", "OPTIONS").path, "*");
  EXPECT_EQ(split("http://details", "OPTIONS").path, "*");
  EXPECT_EQ(split("http://details:80/", "OPTIONS").path, "/");
  EXPECT_EQ(split("http://details?x", "OPTIONS").path, "/");
  EXPECT_EQ(problemOf("*", "GET"), RequestProblem::kTargetForm);
  EXPECT_EQ(problemOf("*", "options"), RequestProblem::kTargetForm) << "methods are case-sensitive";
}

TEST(RequestTarget, RefusesFragmentsAndOtherForms) {
  for (const char* fragment : {"/a#frag", "/a?x=1#frag", "/#", "http://details/a#b"}) {
    EXPECT_EQ(problemOf(fragment), RequestProblem::kFragment) << fragment;
  }
  for (const char* form :
       {"a/b", "reviews:9080", "ftp://details/", "http:/details", "", "**", "?x=1", "\\a"}) {
    EXPECT_EQ(problemOf(form), RequestProblem::kTargetForm) << form;
  }
  EXPECT_EQ(problemOf("reviews:9080", "CONNECT"), RequestProblem::kTargetForm)
      << "a sidecar is no CONNECT tunnel";
  EXPECT_EQ(problemOf("http:///a"), RequestProblem::kMalformedAuthority)
      << "an http URI needs a host (RFC 9110 §4.2.1)";
}

TEST(RequestTarget, SplitsAuthorityIntoHostAndPort) {
  AuthorityParts parts = authority("Reviews.Default:9080");
  EXPECT_EQ(parts.host, "Reviews.Default") << "lower-casing is the caller's job";
  EXPECT_EQ(parts.port, 9080u);
  parts = authority("reviews");
  EXPECT_EQ(parts.port, 0u);
  parts = authority("reviews.:80");
  EXPECT_EQ(parts.host, "reviews") << "a trailing dot names the same host";
  parts = authority("[::1]:8080");
  EXPECT_EQ(parts.host, "::1");
  EXPECT_EQ(parts.port, 8080u);
  parts = authority("");
  EXPECT_EQ(parts.host, "") << "an empty Host is legal; the policy will find no service";
}

TEST(RequestTarget, RefusesUserInfo) {
  for (const char* userInfo : {"user:pw@details:81", "reviews@evil", "@details", "[::1]@x"}) {
    AuthorityParts parts;
    EXPECT_EQ(splitAuthority(userInfo, parts), RequestProblem::kUserInfo) << userInfo;
  }
}

TEST(RequestTarget, RefusesMalformedAuthority) {
  for (const char* bad :
       {"rev iews", "reviews:80x", "reviews:70000", "[::1", "[::1]x", "a/b", "[zz]:80", "a\"b"}) {
    AuthorityParts parts;
    EXPECT_EQ(splitAuthority(bad, parts), RequestProblem::kMalformedAuthority) << bad;
  }
}

}  // namespace
}  // namespace mesh
