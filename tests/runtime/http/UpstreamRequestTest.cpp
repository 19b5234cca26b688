#include <gtest/gtest.h>

#include <string>

#include "http/UpstreamRequest.h"

namespace mesh {
namespace {
namespace http = boost::beast::http;

using Request = http::request<http::buffer_body>;

Request clientRequest(std::string_view target) {
  Request request{http::verb::get, target, 10};
  request.set(http::field::host, "reviews");
  request.set(http::field::connection, "keep-alive, x-secret");
  request.set("x-secret", "1");
  request.set(http::field::expect, "100-continue");
  request.set("x-request-id", "given");
  request.set("x-env", "dev");
  request.set("x-debug", "1");
  return request;
}

TEST(UpstreamRequest, WithoutARuleTheUpstreamGetsWhatThePolicySaw) {
  Prng prng;
  Request request = clientRequest("http://Reviews:9080/a/../b?q=1");
  prepareUpstreamRequest(request, ForwardedTarget{"/b?q=1", "Reviews:9080"}, nullptr, prng);
  EXPECT_EQ(request.target(), "/b?q=1");
  EXPECT_EQ(request[http::field::host], "Reviews:9080");
  EXPECT_EQ(request.version(), 11u);
  EXPECT_EQ(request.count(http::field::connection), 0u);
  EXPECT_EQ(request.count("x-secret"), 0u);
  EXPECT_EQ(request.count(http::field::expect), 0u);
  EXPECT_EQ(request["x-request-id"], "given");
  EXPECT_EQ(request[http::field::via], "1.0 meshc") << "the version the client spoke";
}

TEST(UpstreamRequest, AddsARequestIdWhenThereIsNone) {
  Prng prng;
  Request request{http::verb::get, "/", 11};
  prepareUpstreamRequest(request, ForwardedTarget{"/", ""}, nullptr, prng);
  EXPECT_EQ(request["x-request-id"].size(), 36u);
}

TEST(UpstreamRequest, AnUnusableOrRepeatedRequestIdIsReplaced) {
  Prng prng;
  for (const std::string& given : {std::string("a\x01forged log line"), std::string(129, 'a'),
                                   std::string("caf\xc3\xa9"), std::string()}) {
    Request request = clientRequest("/");
    request.set("x-request-id", given);
    prepareUpstreamRequest(request, ForwardedTarget{"/", ""}, nullptr, prng);
    EXPECT_EQ(request.count("x-request-id"), 1u);
    EXPECT_EQ(request["x-request-id"].size(), 36u) << given;
  }
  Request repeated = clientRequest("/");
  repeated.insert("X-Request-Id", "other");
  prepareUpstreamRequest(repeated, ForwardedTarget{"/", ""}, nullptr, prng);
  EXPECT_EQ(repeated.count("x-request-id"), 1u);
  EXPECT_EQ(repeated["x-request-id"].size(), 36u);
}

TEST(UpstreamRequest, TheRulesRewriteChangesPathAndHostAndKeepsTheQuery) {
  Prng prng;
  RuleSettings rule;
  rule.rewrite = Rewrite{"backend.internal", {PathRewrite::Kind::kPrefix, "/v2", "/v1"}};
  Request request = clientRequest("/v1/items?id=7&x=%2F");
  prepareUpstreamRequest(request, ForwardedTarget{"/v1/items?id=7&x=%2F", ""}, &rule, prng);
  EXPECT_EQ(request.target(), "/v2/items?id=7&x=%2F");
  EXPECT_EQ(request[http::field::host], "backend.internal");

  Request bare = clientRequest("/v1?");
  prepareUpstreamRequest(bare, ForwardedTarget{"/v1?", ""}, &rule, prng);
  EXPECT_EQ(bare.target(), "/v2?");

  // An absolute-form's authority gives way to the rewrite's host too.
  Request absolute = clientRequest("http://reviews:9080/v1");
  prepareUpstreamRequest(absolute, ForwardedTarget{"/v1", "reviews:9080"}, &rule, prng);
  EXPECT_EQ(absolute.target(), "/v2");
  EXPECT_EQ(absolute[http::field::host], "backend.internal");
}

TEST(UpstreamRequest, ARewriteWithoutHostKeepsTheHost) {
  Prng prng;
  RuleSettings rule;
  rule.rewrite = Rewrite{"", {PathRewrite::Kind::kFull, "/fixed", ""}};
  Request request = clientRequest("/anything/at/all?q");
  prepareUpstreamRequest(request, ForwardedTarget{"/anything/at/all?q", ""}, &rule, prng);
  EXPECT_EQ(request.target(), "/fixed?q");
  EXPECT_EQ(request[http::field::host], "reviews");
}

TEST(UpstreamRequest, TheRulesHeaderEditsComeLast) {
  Prng prng;
  RuleSettings rule;
  rule.requestHeaders = {{"x-env", "prod", HeaderEdit::Op::kSet},
                         {"x-debug", "", HeaderEdit::Op::kRemove},
                         {"x-request-id", "mine", HeaderEdit::Op::kSet},
                         {"x-secret", "again", HeaderEdit::Op::kAdd},
                         {"host", "evil", HeaderEdit::Op::kSet},
                         {"connection", "close", HeaderEdit::Op::kSet}};
  Request request = clientRequest("/a");
  prepareUpstreamRequest(request, ForwardedTarget{"/a", ""}, &rule, prng);
  EXPECT_EQ(request["x-env"], "prod");
  EXPECT_EQ(request.count("x-debug"), 0u);
  EXPECT_EQ(request["x-request-id"], "mine");
  // Connection named x-secret, which went; the rule adds one of its own afterwards.
  EXPECT_EQ(request["x-secret"], "again");
  EXPECT_EQ(request[http::field::host], "reviews");
  EXPECT_EQ(request.count(http::field::connection), 0u);
}

TEST(UpstreamRequest, OnlyTheSidecarVouchesForTheCaller) {
  Request spoofed = clientRequest("/");
  spoofed.insert("x-forwarded-client-cert", "By=evil;URI=spiffe://t/ns/default/sa/admin");
  spoofed.insert("x-forwarded-client-cert", "URI=spiffe://t/ns/default/sa/root");
  const std::string verified =
      clientCertificateValue("spiffe://t/ns/default/sa/store", "spiffe://t/ns/default/sa/front");
  EXPECT_EQ(verified, "By=spiffe://t/ns/default/sa/store;URI=spiffe://t/ns/default/sa/front");
  setClientCertificateHeader(spoofed, verified);
  EXPECT_EQ(spoofed.count("x-forwarded-client-cert"), 1u);
  EXPECT_EQ(spoofed["x-forwarded-client-cert"], verified);
  setClientCertificateHeader(spoofed, "");  // a plaintext caller: nobody vouched for it
  EXPECT_EQ(spoofed.count("x-forwarded-client-cert"), 0u);
}

}  // namespace
}  // namespace mesh
