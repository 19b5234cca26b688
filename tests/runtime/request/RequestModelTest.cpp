#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "request/RequestModel.h"

namespace mesh {
namespace {

std::string_view view(const mesh_str& s) { return {s.data, s.len}; }

RequestInput input(std::string_view method, std::string_view target,
                   const std::vector<HeaderField>& headers) {
  RequestInput in;
  in.method = method;
  in.target = target;
  in.headers = headers;
  return in;
}

TEST(RequestModel, NormalisesHostPathAndHeaderNames) {
  const std::vector<HeaderField> headers = {
      {"Host", "Reviews.Default:9080"}, {"End-User", "Jason"}, {"Accept", "*/*"}};
  RequestInput in = input("GET", "/reviews/1?u=1", headers);
  in.sourceAddress = "10.0.0.9:4711";
  in.sourcePrincipal = "spiffe://m.local/ns/default/sa/productpage";
  in.seed = 42;
  RequestModel model;
  mesh_request request;
  ASSERT_EQ(model.build(in, request), RequestProblem::kNone);
  EXPECT_EQ(view(request.method), "GET");
  EXPECT_EQ(view(request.scheme), "http");
  EXPECT_EQ(view(request.host), "reviews.default");
  EXPECT_EQ(request.port, 9080u);
  EXPECT_EQ(view(request.path), "/reviews/1");
  EXPECT_EQ(view(request.query), "u=1");
  EXPECT_EQ(view(request.source_address), "10.0.0.9:4711");
  EXPECT_EQ(view(request.source_principal), "spiffe://m.local/ns/default/sa/productpage");
  EXPECT_EQ(request.seed, 42u);
  ASSERT_EQ(request.header_count, 3u);
  EXPECT_EQ(view(request.headers[0].name), "host");
  EXPECT_EQ(view(request.headers[1].name), "end-user");
  EXPECT_EQ(view(request.headers[1].value), "Jason") << "values keep their case";
  EXPECT_EQ(view(request.headers[2].name), "accept");
}

TEST(RequestModel, EmptyStringsStillGetAPointer) {
  const std::vector<HeaderField> headers = {{"Host", "a"}, {"X-Empty", ""}};
  RequestModel model;
  mesh_request request;
  ASSERT_EQ(model.build(input("GET", "/", headers), request), RequestProblem::kNone);
  EXPECT_EQ(request.source_principal.len, 0u);
  EXPECT_NE(request.source_principal.data, nullptr);
  EXPECT_EQ(request.query.len, 0u);
  EXPECT_NE(request.query.data, nullptr);
  EXPECT_NE(request.headers[1].value.data, nullptr);
}

// One value must not be able to hide behind another: `X-User: guest` then `x-user: admin` is
// seen as "guest,admin", never as just "guest".
TEST(RequestModel, RepeatedHeadersAreJoinedInReceivedOrder) {
  const std::vector<HeaderField> headers = {{"Host", "reviews"}, {"X-User", "guest"},
                                            {"Accept", "a"},     {"x-user", "admin"},
                                            {"X-USER", ""},      {"Accept", "b"}};
  RequestModel model;
  mesh_request request;
  ASSERT_EQ(model.build(input("GET", "/", headers), request), RequestProblem::kNone);
  ASSERT_EQ(request.header_count, 3u);
  EXPECT_EQ(view(request.headers[0].name), "host");
  EXPECT_EQ(view(request.headers[1].name), "x-user");
  EXPECT_EQ(view(request.headers[1].value), "guest,admin,");
  EXPECT_EQ(view(request.headers[2].name), "accept");
  EXPECT_EQ(view(request.headers[2].value), "a,b");
}

// The HTTP parser trims field values; a request written in a policy test must mean the same.
TEST(RequestModel, HeaderValuesLoseSurroundingWhitespace) {
  const std::vector<HeaderField> headers = {
      {"Host", " reviews\t"}, {"H", " a"}, {"X", "b \t"}, {"X", "\tc"}, {"Y", " in side "}};
  RequestModel model;
  mesh_request request;
  ASSERT_EQ(model.build(input("GET", "/", headers), request), RequestProblem::kNone);
  EXPECT_EQ(view(request.host), "reviews");
  ASSERT_EQ(request.header_count, 4u);
  EXPECT_EQ(view(request.headers[1].value), "a");
  EXPECT_EQ(view(request.headers[2].value), "b,c");
  EXPECT_EQ(view(request.headers[3].value), "in side");
}

TEST(RequestModel, AbsoluteFormTargetOverridesHostHeader) {
  const std::vector<HeaderField> headers = {{"Host", "ignored"}};
  RequestModel model;
  mesh_request request;
  ASSERT_EQ(model.build(input("POST", "http://DETAILS/d?x=1", headers), request),
            RequestProblem::kNone);
  EXPECT_EQ(view(request.host), "details");
  EXPECT_EQ(request.port, 0u);
  EXPECT_EQ(view(request.path), "/d");
  EXPECT_EQ(view(request.query), "x=1");
}

TEST(RequestModel, ReusesItsBufferAcrossRequests) {
  std::vector<HeaderField> big = {{"Host", "reviews"}};
  std::vector<std::string> names;
  for (int i = 0; i < 20; ++i) names.push_back("X-Header-" + std::to_string(i));
  for (const std::string& name : names) big.push_back({name, "v"});
  RequestModel model;
  mesh_request first;
  ASSERT_EQ(model.build(input("GET", "/", big), first), RequestProblem::kNone);
  const std::vector<HeaderField> small = {{"Host", "DETAILS"}};
  mesh_request second;
  ASSERT_EQ(model.build(input("GET", "/", small), second), RequestProblem::kNone);
  EXPECT_EQ(view(second.host), "details");
  EXPECT_EQ(second.header_count, 1u);
  EXPECT_EQ(first.host.data, second.host.data) << "the second request fits the first's buffer";
}

RequestProblem problemOf(std::string_view method, std::string_view target,
                         const std::vector<HeaderField>& headers, const PathOptions& options = {}) {
  RequestModel model(options);
  mesh_request request;
  return model.build(input(method, target, headers), request);
}

TEST(RequestModel, RefusesWhatNoClientShouldSend) {
  const std::vector<HeaderField> host = {{"Host", "reviews"}};
  EXPECT_EQ(problemOf("GET", "/", {{"Host", "bad host"}}), RequestProblem::kMalformedAuthority);
  EXPECT_EQ(problemOf("GET", "/", {{"Host", "a"}, {"host", "b"}}), RequestProblem::kDuplicateHost);
  EXPECT_EQ(problemOf("GET", "/", {{"Host", "a"}, {"host", "a"}}), RequestProblem::kDuplicateHost);
  EXPECT_EQ(problemOf("GET", "/", {{"Host", "jason@reviews"}}), RequestProblem::kUserInfo);
  EXPECT_EQ(problemOf("GET", "http://u:p@reviews/", host), RequestProblem::kUserInfo);
  EXPECT_EQ(problemOf("GET", "/a#b", host), RequestProblem::kFragment);
  EXPECT_EQ(problemOf("GET", "reviews/a", host), RequestProblem::kTargetForm);
  EXPECT_EQ(problemOf("GET", "*", host), RequestProblem::kTargetForm);
  EXPECT_EQ(problemOf("GET", "/a%2Fb", host, {false, EncodedSlashes::kReject}),
            RequestProblem::kEncodedSlash);
  EXPECT_EQ(problemOf("GET", "/a/b?x=%2F", host, {false, EncodedSlashes::kReject}),
            RequestProblem::kNone)
      << "only the path's slashes count";
  // The absolute-form's authority is the one checked: RFC 9112 §3.2.2 says to ignore Host then.
  EXPECT_EQ(problemOf("GET", "http://reviews/", {{"Host", "u@x"}}), RequestProblem::kNone);
}

TEST(RequestModel, ChecksTheTargetThenTheHostThenThePath) {
  EXPECT_EQ(problemOf("GET", "/a#b", {{"Host", "a"}, {"Host", "b"}}), RequestProblem::kFragment);
  EXPECT_EQ(problemOf("GET", "*", {{"Host", "u@a"}}), RequestProblem::kTargetForm);
  EXPECT_EQ(problemOf("GET", "/a%2F", {{"Host", "u@a"}}, {false, EncodedSlashes::kReject}),
            RequestProblem::kUserInfo);
}

TEST(RequestModel, ThePolicySeesTheNormalisedPathAndTheUpstreamGetsIt) {
  const std::vector<HeaderField> headers = {{"Host", "reviews"}};
  RequestModel model;
  mesh_request request;
  ASSERT_EQ(model.build(input("GET", "/x/../reviews/%31?a=%2e&b=/../", headers), request),
            RequestProblem::kNone);
  EXPECT_EQ(view(request.path), "/reviews/1");
  EXPECT_EQ(view(request.query), "a=%2e&b=/../") << "the query is as received";
  EXPECT_EQ(model.forwarded().target, "/reviews/1?a=%2e&b=/../");
  EXPECT_EQ(model.forwarded().authority, "");
  ASSERT_EQ(model.build(input("GET", "/a/./b?", headers), request), RequestProblem::kNone);
  EXPECT_EQ(view(request.path), "/a/b");
  EXPECT_EQ(model.forwarded().target, "/a/b?") << "an empty query is forwarded too";
  ASSERT_EQ(model.build(input("GET", "/a/./b", headers), request), RequestProblem::kNone);
  EXPECT_EQ(model.forwarded().target, "/a/b");
}

TEST(RequestModel, ForwardsAnAbsoluteFormAsOriginFormWithItsAuthority) {
  const std::vector<HeaderField> headers = {{"Host", "ignored"}};
  RequestModel model;
  mesh_request request;
  ASSERT_EQ(model.build(input("GET", "http://Details:81/a/../d?x=1", headers), request),
            RequestProblem::kNone);
  EXPECT_EQ(view(request.path), "/d");
  EXPECT_EQ(model.forwarded().target, "/d?x=1");
  EXPECT_EQ(model.forwarded().authority, "Details:81") << "as received, for the Host header";
  ASSERT_EQ(model.build(input("GET", "http://details", headers), request), RequestProblem::kNone);
  EXPECT_EQ(model.forwarded().target, "/");
  ASSERT_EQ(model.build(input("OPTIONS", "http://details", headers), request),
            RequestProblem::kNone);
  EXPECT_EQ(view(request.path), "*");
  EXPECT_EQ(model.forwarded().target, "*");
}

TEST(RequestModel, AsteriskIsLeftAsItIs) {
  const std::vector<HeaderField> headers = {{"Host", "reviews"}};
  RequestModel model({true, EncodedSlashes::kReject});
  mesh_request request;
  ASSERT_EQ(model.build(input("OPTIONS", "*", headers), request), RequestProblem::kNone);
  EXPECT_EQ(view(request.path), "*");
  EXPECT_EQ(view(request.query), "");
  EXPECT_EQ(model.forwarded().target, "*");
}

TEST(RequestModel, NormalisesWithItsOptions) {
  const std::vector<HeaderField> headers = {{"Host", "reviews"}};
  mesh_request request;
  RequestModel keep;
  ASSERT_EQ(keep.build(input("GET", "//a%2f%2F..//b", headers), request), RequestProblem::kNone);
  EXPECT_EQ(view(request.path), "//a%2F%2F..//b");
  RequestModel decodeAndMerge({true, EncodedSlashes::kDecode});
  ASSERT_EQ(decodeAndMerge.build(input("GET", "//a%2f%2F..//b", headers), request),
            RequestProblem::kNone);
  EXPECT_EQ(view(request.path), "/a/b") << "'..' takes the empty segment, then slashes merge";
  EXPECT_EQ(decodeAndMerge.forwarded().target, "/a/b");
}

using Pairs = std::vector<std::pair<std::string_view, std::string_view>>;

Pairs params(const mesh_request& request) {
  Pairs pairs;
  for (uint64_t i = 0; i < request.query_param_count; ++i) {
    pairs.emplace_back(view(request.query_params[i].name), view(request.query_params[i].value));
  }
  return pairs;
}

TEST(RequestModel, SplitsTheQueryIntoDecodedParameters) {
  const std::vector<HeaderField> headers = {{"Host", "reviews"}};
  RequestModel model;
  mesh_request request;
  ASSERT_EQ(
      model.build(input("GET", "/p?user=jason&empty=&flag&&user=guest&=v&a=b=c", headers), request),
      RequestProblem::kNone);
  EXPECT_EQ(params(request), (Pairs{{"user", "jason"},
                                    {"empty", ""},
                                    {"flag", ""},
                                    {"user", "guest"},
                                    {"", "v"},
                                    {"a", "b=c"}}))
      << "in received order, repeats kept, empty pairs skipped, split at the first '='";
  ASSERT_EQ(
      model.build(input("GET", "/p?%75ser=%4a%61son&q=a+b%20c&e=%3D%26&bad=%zz%4&pct=%25", headers),
                  request),
      RequestProblem::kNone);
  EXPECT_EQ(params(request),
            (Pairs{{"user", "Jason"}, {"q", "a+b c"}, {"e", "=&"}, {"bad", "%zz%4"}, {"pct", "%"}}))
      << "percent-decoded; '+' is no space; invalid escapes stay";
  ASSERT_EQ(model.build(input("GET", "/p?%3D=%26", headers), request), RequestProblem::kNone);
  EXPECT_EQ(params(request), (Pairs{{"=", "&"}})) << "escaped separators do not separate";
  for (const char* none : {"/p", "/p?", "/p?&", "/p?&&&"}) {
    ASSERT_EQ(model.build(input("GET", none, headers), request), RequestProblem::kNone);
    EXPECT_EQ(request.query_param_count, 0u) << none;
  }
}

TEST(RequestModel, QueryParametersWithoutEscapesPointIntoTheTarget) {
  const std::vector<HeaderField> headers = {{"Host", "reviews"}};
  const std::string target = "/p?a=1&b=%32";
  RequestModel model;
  mesh_request request;
  ASSERT_EQ(model.build(input("GET", target, headers), request), RequestProblem::kNone);
  ASSERT_EQ(request.query_param_count, 2u);
  EXPECT_EQ(request.query_params[0].value.data, target.data() + 5);
  EXPECT_EQ(view(request.query_params[1].value), "2");
  EXPECT_NE(request.query_params[1].value.data, target.data() + 9) << "decoded into the model";
  EXPECT_NE(request.query_params[0].name.data, nullptr);
}

TEST(RequestModel, ReusesItsQueryStorageAcrossRequests) {
  const std::vector<HeaderField> headers = {{"Host", "reviews"}};
  RequestModel model;
  mesh_request first;
  ASSERT_EQ(model.build(input("GET", "/a/long/../path?a=%31&b=%32&c=%33&d=%34", headers), first),
            RequestProblem::kNone);
  mesh_request second;
  ASSERT_EQ(model.build(input("GET", "/b/../c?x=%35", headers), second), RequestProblem::kNone);
  EXPECT_EQ(first.query_params, second.query_params) << "the parameter list kept its capacity";
  EXPECT_EQ(first.path.data, second.path.data) << "the path buffer kept its capacity";
  EXPECT_EQ(view(second.query_params[0].value), "5");
  EXPECT_EQ(view(second.path), "/c");
}

}  // namespace
}  // namespace mesh
