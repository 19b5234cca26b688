#include <gtest/gtest.h>

#include "http/PolicyRequest.h"
#include "policy/RegexSet.h"

namespace mesh {
namespace {
namespace http = boost::beast::http;

std::string_view view(const mesh_str& s) { return {s.data, s.len}; }

TEST(PolicyRequest, NormalisesHostPathAndHeaderNames) {
  http::fields fields;
  fields.insert("Host", "Reviews.Default:9080");
  fields.insert("End-User", "Jason");
  fields.insert("X-Multi", "a");
  PolicyRequestBuilder builder{PathOptions{}, nullptr};
  mesh_request request;
  ASSERT_EQ(builder.build({"GET", "/reviews/1?u=1", &fields}, "10.0.0.9:4711", "", 42, request),
            RequestProblem::kNone);
  EXPECT_EQ(view(request.method), "GET");
  EXPECT_EQ(view(request.scheme), "http");
  EXPECT_EQ(view(request.host), "reviews.default");
  EXPECT_EQ(request.port, 9080u);
  EXPECT_EQ(view(request.path), "/reviews/1");
  EXPECT_EQ(view(request.query), "u=1");
  EXPECT_EQ(view(request.source_address), "10.0.0.9:4711");
  EXPECT_EQ(request.source_principal.len, 0u);
  ASSERT_NE(request.source_principal.data, nullptr) << "empty strings still get a pointer";
  EXPECT_EQ(request.seed, 42u);
  ASSERT_EQ(request.header_count, 3u);
  EXPECT_EQ(view(request.headers[0].name), "host");
  EXPECT_EQ(view(request.headers[1].name), "end-user");
  EXPECT_EQ(view(request.headers[1].value), "Jason") << "values keep their case";
  EXPECT_EQ(view(request.headers[2].name), "x-multi") << "headers stay in received order";
}

TEST(PolicyRequest, EveryRequestCarriesTheSidecarsRegexMatcher) {
  static const char* const kPatterns[] = {"/r/[0-9]+"};
  const RegexSet regexes(kPatterns, 1);
  http::fields fields;
  fields.insert("Host", "reviews");
  PolicyRequestBuilder builder{PathOptions{}, regexes.matcher()};
  mesh_request request;
  ASSERT_EQ(builder.build({"GET", "/r/12", &fields}, "10.0.0.9:1", "", 1, request),
            RequestProblem::kNone);
  ASSERT_EQ(request.regex, regexes.matcher());
  EXPECT_EQ(
      request.regex->full_match(request.regex->context, 0, request.path.data, request.path.len),
      1u);
  EXPECT_EQ(request.regex->full_match(request.regex->context, 0, "/r/x", 4), 0u);
}

TEST(PolicyRequest, AbsoluteFormTargetOverridesHostHeader) {
  http::fields fields;
  fields.insert("Host", "ignored");
  PolicyRequestBuilder builder{PathOptions{}, nullptr};
  mesh_request request;
  ASSERT_EQ(builder.build({"POST", "http://DETAILS/d?x=1", &fields}, "", "", 0, request),
            RequestProblem::kNone);
  EXPECT_EQ(view(request.host), "details");
  EXPECT_EQ(request.port, 0u);
  EXPECT_EQ(view(request.path), "/d");
  EXPECT_EQ(view(request.query), "x=1");
}

TEST(PolicyRequest, RepeatedFieldsReachThePolicyJoined) {
  http::fields fields;
  fields.insert("Host", "reviews");
  fields.insert("X-User", "guest");
  fields.insert("x-user", "admin");
  PolicyRequestBuilder builder{PathOptions{}, nullptr};
  mesh_request request;
  ASSERT_EQ(builder.build({"GET", "/", &fields}, "", "", 0, request), RequestProblem::kNone);
  ASSERT_EQ(request.header_count, 2u);
  EXPECT_EQ(view(request.headers[1].value), "guest,admin");
}

TEST(PolicyRequest, RejectsMalformedHost) {
  http::fields fields;
  fields.insert("Host", "bad host");
  PolicyRequestBuilder builder{PathOptions{}, nullptr};
  mesh_request request;
  EXPECT_EQ(builder.build({"GET", "/", &fields}, "", "", 0, request),
            RequestProblem::kMalformedAuthority);
}

TEST(PolicyRequest, NormalisesWithItsOptionsAndForwardsWhatThePolicySaw) {
  http::fields fields;
  fields.insert("Host", "reviews");
  PolicyRequestBuilder builder{PathOptions{true, EncodedSlashes::kDecode}, nullptr};
  mesh_request request;
  ASSERT_EQ(builder.build({"GET", "/a%2F%2Fb/../c?q=%2F", &fields}, "", "", 0, request),
            RequestProblem::kNone);
  EXPECT_EQ(view(request.path), "/a/c");
  EXPECT_EQ(builder.forwarded().target, "/a/c?q=%2F");
  EXPECT_EQ(builder.forwarded().authority, "");
}

}  // namespace
}  // namespace mesh
