#include <gtest/gtest.h>

#include <boost/asio/error.hpp>
#include <boost/beast/http/error.hpp>

#include "http/LocalReply.h"
#include "http/Router.h"

namespace mesh {
namespace {

namespace http = boost::beast::http;
using std::chrono::milliseconds;

class NamedRouter final : public Router {
 public:
  RouteDecision route(const mesh_request&, WorkerContext&) const override { return {}; }
  Reporter reporter() const override { return Reporter::kSource; }
  bool tagsResponses() const override { return true; }
  MtlsMode mtls() const override { return MtlsMode::kDisable; }
  std::string describe(const RouteDecision&) const override { return "cluster reviews.v1"; }
};

class LocalReplyTest : public ::testing::Test {
 protected:
  LocalReplyTest() {
    endpoint_.address = HostPort{"127.0.0.1", 9080};
    exchange_.route.endpoint = &endpoint_;
    exchange_.route.timeoutMs = 250;
  }

  LocalReply failure() const { return describeFailure(exchange_, router_, milliseconds(1000)); }

  Endpoint endpoint_;
  Exchange exchange_;
  NamedRouter router_;
};

TEST_F(LocalReplyTest, RouteDeadlineIs504NamingTheTimeout) {
  exchange_.abandoned = Abandoned::kRouteDeadline;
  exchange_.upstreamError = boost::asio::error::operation_aborted;
  const LocalReply reply = failure();
  EXPECT_EQ(reply.status, 504u);
  EXPECT_EQ(reply.message,
            "meshc: upstream timeout: no response from cluster reviews.v1 (127.0.0.1:9080) "
            "within 250 ms\n");
}

TEST_F(LocalReplyTest, StalledClientIs408AndStalledUpstream504) {
  exchange_.abandoned = Abandoned::kClientStalled;
  EXPECT_EQ(failure().status, 408u);
  EXPECT_EQ(failure().message, "meshc: request timeout: no body bytes for 1000 ms\n");
  exchange_.abandoned = Abandoned::kUpstreamStalled;
  EXPECT_EQ(failure().status, 504u);
  EXPECT_EQ(failure().message,
            "meshc: upstream timeout: cluster reviews.v1 (127.0.0.1:9080) stalled for 1000 ms\n");
}

TEST_F(LocalReplyTest, MalformedBodyIs400) {
  exchange_.requestBody = BodyState::kClientMalformed;
  exchange_.upstreamError = boost::asio::error::broken_pipe;
  EXPECT_EQ(failure().status, 400u);
  EXPECT_EQ(failure().message, "meshc: bad request: malformed body\n");
}

TEST_F(LocalReplyTest, ConnectFailuresAndTheConnectBudgetAre502) {
  exchange_.abandoned = Abandoned::kConnectBudget;
  exchange_.connectError = boost::asio::error::timed_out;
  const LocalReply reply = failure();
  EXPECT_EQ(reply.status, 502u);
  EXPECT_EQ(
      reply.message.rfind("meshc: cannot connect to 127.0.0.1:9080 of cluster reviews.v1: ", 0), 0u)
      << reply.message;
}

TEST_F(LocalReplyTest, AnUpstreamThatFailsBeforeRespondingIs502) {
  exchange_.upstreamError = http::error::bad_status;
  const LocalReply reply = failure();
  EXPECT_EQ(reply.status, 502u);
  EXPECT_EQ(reply.message.rfind("meshc: upstream 127.0.0.1:9080 of cluster reviews.v1 failed "
                                "before responding: ",
                                0),
            0u)
      << reply.message;
  exchange_.upstreamError = {};
  EXPECT_EQ(failure().message,
            "meshc: upstream 127.0.0.1:9080 of cluster reviews.v1 failed before responding: "
            "aborted\n");
}

TEST(LocalReply, BadRequestHeaderIs431WhenTooLargeOtherwise400) {
  EXPECT_EQ(badRequestHeader(http::error::header_limit).status, 431u);
  const LocalReply bad = badRequestHeader(http::error::bad_method);
  EXPECT_EQ(bad.status, 400u);
  EXPECT_EQ(bad.message.rfind("meshc: bad request: ", 0), 0u);
  EXPECT_EQ(bad.message.back(), '\n');
}

TEST(LocalReply, ARedirectHasLocationAndAnEmptyBody) {
  const RequestFacts facts{11, true, false, false, false};
  const auto response = makeLocalResponse(facts, {301, "", "https://reviews/a?b"}, "", {}, true);
  EXPECT_EQ(response.result_int(), 301u);
  EXPECT_EQ(response[http::field::location], "https://reviews/a?b");
  EXPECT_EQ(response[http::field::content_length], "0");
  EXPECT_EQ(response.count(http::field::content_type), 0u);
  EXPECT_EQ(response.count(kClusterHeader), 0u);
  EXPECT_TRUE(response.keep_alive());
  EXPECT_EQ(response.body(), "");
}

TEST(LocalReply, ADirectResponseIsPlainTextAndItsRulesEditsApply) {
  const RequestFacts facts{11, true, false, false, false};
  const HeaderEdit edits[] = {{"content-type", "application/json", HeaderEdit::Op::kSet},
                              {"x-served-by", "mesh", HeaderEdit::Op::kAdd},
                              {"content-length", "", HeaderEdit::Op::kRemove},
                              {"connection", "keep-alive", HeaderEdit::Op::kSet}};
  const auto response = makeLocalResponse(facts, {418, "{}"}, "", {{}, edits}, false);
  EXPECT_EQ(response.result_int(), 418u);
  EXPECT_EQ(response[http::field::content_type], "application/json");
  EXPECT_EQ(response["x-served-by"], "mesh");
  EXPECT_EQ(response[http::field::content_length], "2");
  EXPECT_EQ(response[http::field::connection], "close");
  EXPECT_EQ(response.body(), "{}");
}

// A browser reads no answer of the sidecar's its CORS policy does not let it see: the rule's CORS
// fields go on the sidecar's own replies, before its edits, which may still change them.
TEST(LocalReply, TheRulesCorsFieldsGoOnBeforeItsEdits) {
  const RequestFacts facts{11, true, false, false, false};
  const ResponseField cors[] = {{"access-control-allow-origin", "https://app.example"},
                                {"access-control-expose-headers", "x-a"},
                                {"vary", "Origin"}};
  const HeaderEdit edits[] = {{"access-control-expose-headers", "x-b", HeaderEdit::Op::kSet}};
  const auto response = makeLocalResponse(facts, {503, "down\n"}, "", {cors, edits}, true);
  EXPECT_EQ(response["access-control-allow-origin"], "https://app.example");
  EXPECT_EQ(response["access-control-expose-headers"], "x-b");
  EXPECT_EQ(response[http::field::vary], "Origin");
}

TEST(LocalReply, HeadKeepsTheLengthAndHttp10TheVersion) {
  const RequestFacts head{10, false, true, false, false};
  const auto response = makeLocalResponse(head, {200, "hello\n"}, "reviews.v1", {}, false);
  EXPECT_EQ(response.version(), 10u);
  EXPECT_EQ(response[http::field::content_length], "6");
  EXPECT_EQ(response[kClusterHeader], "reviews.v1");
  EXPECT_EQ(response[http::field::content_type], "text/plain");
  EXPECT_EQ(response.body(), "");
}

TEST(LocalReply, NoContentAndNotModifiedHaveNoBodyAndNoLength) {
  const RequestFacts facts{11, true, false, false, false};
  for (unsigned status : {204u, 304u}) {
    const auto response = makeLocalResponse(facts, {status, ""}, "", {}, true);
    EXPECT_EQ(response.result_int(), status);
    EXPECT_EQ(response.count(http::field::content_length), 0u) << status;
    EXPECT_EQ(response.count(http::field::content_type), 0u) << status;
    EXPECT_TRUE(response.keep_alive());
  }
}

}  // namespace
}  // namespace mesh
