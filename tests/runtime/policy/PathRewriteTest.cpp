#include <gtest/gtest.h>

#include "policy/PathRewrite.h"

namespace mesh {
namespace {

PathRewrite prefix(std::string_view matched, std::string_view value) {
  return {PathRewrite::Kind::kPrefix, value, matched};
}

TEST(PathRewrite, KeepLeavesThePath) { EXPECT_EQ(rewritePath("/a/b", PathRewrite{}), "/a/b"); }

TEST(PathRewrite, FullReplacesThePath) {
  const PathRewrite full{PathRewrite::Kind::kFull, "/new", ""};
  EXPECT_EQ(rewritePath("/a/b", full), "/new");
  EXPECT_EQ(rewritePath("/", full), "/new");
}

// Gateway API's HTTPPathModifier table for ReplacePrefixMatch, the matched prefix written "/foo"
// (abi.h: no trailing '/').
TEST(PathRewrite, PrefixFollowsGatewayApi) {
  EXPECT_EQ(rewritePath("/foo/bar", prefix("/foo", "/xyz")), "/xyz/bar");
  EXPECT_EQ(rewritePath("/foo/bar", prefix("/foo", "/xyz/")), "/xyz/bar");
  EXPECT_EQ(rewritePath("/foo", prefix("/foo", "/xyz")), "/xyz");
  EXPECT_EQ(rewritePath("/foo/", prefix("/foo", "/xyz")), "/xyz/");
  EXPECT_EQ(rewritePath("/foo/bar", prefix("/foo", "")), "/bar");
  EXPECT_EQ(rewritePath("/foo/", prefix("/foo", "")), "/");
  EXPECT_EQ(rewritePath("/foo", prefix("/foo", "")), "/");
  EXPECT_EQ(rewritePath("/foo/", prefix("/foo", "/")), "/");
  EXPECT_EQ(rewritePath("/foo", prefix("/foo", "/")), "/");
  EXPECT_EQ(rewritePath("/foo/bar", prefix("/foo", "/")), "/bar");
  EXPECT_EQ(rewritePath("/foo/bar/baz", prefix("/foo/bar", "/q")), "/q/baz");
}

TEST(PathRewrite, PrefixKeepsEverythingAfterIt) {
  EXPECT_EQ(rewritePath("/foo//x/", prefix("/foo", "/bar")), "/bar//x/");
  EXPECT_EQ(rewritePath("/foo/a%2Fb", prefix("/foo", "/bar")), "/bar/a%2Fb");
}

TEST(PathRewrite, RootPrefixCoversEveryPath) {
  // meshc writes `path prefix "/"` as "" (abi.h: no trailing '/'); "/" means the same.
  for (std::string_view root : {"", "/"}) {
    EXPECT_EQ(rewritePath("/x", prefix(root, "/api")), "/api/x");
    EXPECT_EQ(rewritePath("/", prefix(root, "/api")), "/api");
    EXPECT_EQ(rewritePath("/x/", prefix(root, "/api/")), "/api/x/");
    EXPECT_EQ(rewritePath("/x", prefix(root, "/")), "/x");
    EXPECT_EQ(rewritePath("/", prefix(root, "")), "/");
  }
}

TEST(PathRewrite, PathsThePrefixDoesNotCoverAreLeftUnchanged) {
  // route() cannot choose a segment-prefix rule for these; were it to, cutting mid-segment could
  // make "bar" of "/foobar", which is no path.
  EXPECT_EQ(rewritePath("/foobar", prefix("/foo", "/")), "/foobar");
  EXPECT_EQ(rewritePath("/fo", prefix("/foo", "/x")), "/fo");
  EXPECT_EQ(rewritePath("/other/foo", prefix("/foo", "/x")), "/other/foo");
}

TEST(PathRewrite, TheAsteriskOfOptionsIsNoPath) {
  EXPECT_EQ(rewritePath("*", PathRewrite{PathRewrite::Kind::kFull, "/new", ""}), "*");
  EXPECT_EQ(rewritePath("*", prefix("/", "/x")), "*");
}

}  // namespace
}  // namespace mesh
