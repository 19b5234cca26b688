#include <gtest/gtest.h>

#include <string>

#include "http/MirrorCopy.h"

namespace mesh {
namespace {

namespace http = boost::beast::http;
using Request = http::request<http::buffer_body>;

TEST(MirrorCopy, ShadowHostGoesBeforeThePort) {
  EXPECT_EQ(shadowHost("reviews"), "reviews-shadow");
  EXPECT_EQ(shadowHost("reviews:9080"), "reviews-shadow:9080");
  EXPECT_EQ(shadowHost("reviews.default.svc:80"), "reviews.default.svc-shadow:80");
  EXPECT_EQ(shadowHost("[::1]:8080"), "[::1]-shadow:8080");
  EXPECT_EQ(shadowHost("[::1]"), "[::1]-shadow");
  EXPECT_EQ(shadowHost(""), "-shadow");
}

Request post(std::string_view contentLength) {
  Request request(http::verb::post, "/api/items?x=1", 11);
  request.set(http::field::host, "reviews:9080");
  request.set("x-request-id", "abc");
  if (!contentLength.empty()) request.set(http::field::content_length, contentLength);
  return request;
}

TEST(MirrorCopy, CopiesTheForwardedHeadAndTheBody) {
  MirrorBudget budget;
  StatsShard stats(4);
  MirrorCopy copy;
  Request request = post("");
  request.set(http::field::transfer_encoding, "chunked");
  copy.begin(request, {2, 3}, budget, stats);
  ASSERT_EQ(copy.state(), MirrorCopy::State::kCopying);
  EXPECT_EQ(budget.requestsInFlight(), 2u) << "one per mirror";
  copy.append("hello ", 6, stats);
  copy.append("world", 5, stats);
  const std::shared_ptr<const MirrorPayload> payload = copy.finish();
  ASSERT_TRUE(payload);
  EXPECT_EQ(copy.state(), MirrorCopy::State::kDispatched);
  EXPECT_EQ(payload->head,
            "POST /api/items?x=1 HTTP/1.1\r\n"
            "Host: reviews-shadow:9080\r\n"
            "x-request-id: abc\r\n"
            "content-length: 11\r\n\r\n")
      << "framed by its own length: the chunking is gone";
  EXPECT_EQ(payload->body, "hello world");
  EXPECT_FALSE(payload->headRequest);
  EXPECT_EQ(budget.bytesHeld(), payload->head.size() - 22 + payload->body.size())
      << "the head as copied and the body count until the payload goes";
  EXPECT_FALSE(copy.finish()) << "dispatched once";
}

TEST(MirrorCopy, WithoutABodyTheHeadEndsAtOnce) {
  MirrorBudget budget;
  StatsShard stats(4);
  MirrorCopy copy;
  Request request(http::verb::head, "/", 11);
  request.set(http::field::host, "web");
  copy.begin(request, {0}, budget, stats);
  const auto payload = copy.finish();
  ASSERT_TRUE(payload);
  EXPECT_EQ(payload->head, "HEAD / HTTP/1.1\r\nHost: web-shadow\r\n\r\n");
  EXPECT_TRUE(payload->headRequest);
}

TEST(MirrorCopy, NoDrawnMirrorMeansNoCopy) {
  MirrorBudget budget;
  StatsShard stats(4);
  MirrorCopy copy;
  copy.begin(post("5"), {}, budget, stats);
  EXPECT_EQ(copy.state(), MirrorCopy::State::kNone);
  copy.append("12345", 5, stats);
  EXPECT_FALSE(copy.finish());
  EXPECT_EQ(budget.bytesHeld(), 0u);
}

uint64_t skipped(const StatsShard& stats, uint32_t cluster) {
  return stats.mirrors(cluster, MirrorResult::kSkipped);
}

TEST(MirrorCopy, AnAnnouncedBodyOverTheLimitIsNeverCopied) {
  MirrorBudget budget(MirrorBudget::Limits{10, 8, 1 << 20});
  StatsShard stats(4);
  MirrorCopy copy;
  copy.begin(post("11"), {1, 2}, budget, stats);
  EXPECT_EQ(copy.state(), MirrorCopy::State::kSkipped);
  EXPECT_EQ(skipped(stats, 1), 1u);
  EXPECT_EQ(skipped(stats, 2), 1u);
  EXPECT_EQ(budget.bytesHeld(), 0u);
  EXPECT_FALSE(copy.finish());

  MirrorCopy fits;
  fits.begin(post("10"), {1}, budget, stats);
  EXPECT_EQ(fits.state(), MirrorCopy::State::kCopying);
}

TEST(MirrorCopy, AGrowingBodyIsDroppedAtTheLimitAndItsBytesGiveBack) {
  MirrorBudget budget(MirrorBudget::Limits{10, 8, 1 << 20});
  StatsShard stats(4);
  MirrorCopy copy;
  copy.begin(post(""), {3}, budget, stats);
  copy.append("123456", 6, stats);
  EXPECT_EQ(copy.state(), MirrorCopy::State::kCopying);
  copy.append("12345", 5, stats);
  EXPECT_EQ(copy.state(), MirrorCopy::State::kSkipped);
  EXPECT_EQ(skipped(stats, 3), 1u);
  EXPECT_EQ(budget.bytesHeld(), 0u);
  EXPECT_EQ(budget.requestsInFlight(), 0u);
  copy.append("1", 1, stats);
  copy.abandon(stats);
  EXPECT_EQ(skipped(stats, 3), 1u) << "counted once";
}

TEST(MirrorCopy, AWorkerOutOfBudgetSkips) {
  MirrorBudget budget(MirrorBudget::Limits{1000, 2, 200});
  StatsShard stats(4);
  MirrorCopy first;
  first.begin(post(""), {0, 1}, budget, stats);
  ASSERT_EQ(first.state(), MirrorCopy::State::kCopying);
  MirrorCopy second;
  second.begin(post(""), {2}, budget, stats);
  EXPECT_EQ(second.state(), MirrorCopy::State::kSkipped) << "two mirrored requests at most";
  EXPECT_EQ(skipped(stats, 2), 1u);

  const std::string big(150, 'x');
  first.append(big.data(), big.size(), stats);
  EXPECT_EQ(first.state(), MirrorCopy::State::kSkipped) << "200 bytes at most, heads included";
  MirrorCopy third;
  third.begin(post(""), {2}, budget, stats);
  EXPECT_EQ(third.state(), MirrorCopy::State::kCopying) << "the skipped copy gave its share back";
}

TEST(MirrorCopy, AnAbandonedCopyIsSkipped) {
  MirrorBudget budget;
  StatsShard stats(4);
  MirrorCopy copy;
  copy.begin(post(""), {1}, budget, stats);
  copy.append("abc", 3, stats);
  copy.abandon(stats);
  EXPECT_EQ(copy.state(), MirrorCopy::State::kSkipped);
  EXPECT_EQ(skipped(stats, 1), 1u);
  EXPECT_EQ(budget.bytesHeld(), 0u);
}

}  // namespace
}  // namespace mesh
