#include <gtest/gtest.h>

#include <boost/beast/http/error.hpp>

#include "http/RequestHeadCheck.h"

namespace mesh {
namespace {
namespace http = boost::beast::http;

http::request_header<> head(http::verb method, std::string_view target) {
  http::request_header<> request;
  request.method(method);
  request.target(target);
  request.version(11);
  request.set(http::field::host, "reviews");
  return request;
}

constexpr size_t kMaxFields = 100;

TEST(RequestHeadCheck, AnOrdinaryRequestGoesOn) {
  EXPECT_FALSE(refuseRequestHead(head(http::verb::get, "/"), kMaxFields));
  EXPECT_FALSE(refuseRequestHead(head(http::verb::options, "*"), kMaxFields));
}

TEST(RequestHeadCheck, ConnectIsNotImplemented) {
  const auto refusal = refuseRequestHead(head(http::verb::connect, "reviews:9080"), kMaxFields);
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->status, 501u);
  EXPECT_EQ(refusal->reason, "CONNECT is not supported: no route enables tunnelling");
}

TEST(RequestHeadCheck, TooManyHeaderFieldsGet431) {
  http::request_header<> request = head(http::verb::get, "/");  // Host is one field
  for (int i = 1; i < 3; ++i) request.insert("x-field", "1");
  EXPECT_FALSE(refuseRequestHead(request, 3)) << "as many as allowed";
  request.insert("x-field", "1");
  const auto refusal = refuseRequestHead(request, 3);
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->status, 431u);
  EXPECT_EQ(refusal->reason, "bad request: more than 3 header fields");
}

TEST(RequestHeadCheck, AdmissionRefusesTheHeadThenTheFramingAndNormalisesTheLength) {
  http::request_header<> connect = head(http::verb::connect, "reviews:9080");
  connect.set(http::field::transfer_encoding, "gzip");
  EXPECT_EQ(admitRequestHead(connect, false, boost::none, kMaxFields)->status, 501u);

  http::request_header<> gzip = head(http::verb::post, "/");
  gzip.set(http::field::transfer_encoding, "gzip");
  gzip.set(http::field::content_length, "3");
  const auto refusal = admitRequestHead(gzip, false, uint64_t{3}, kMaxFields);
  ASSERT_TRUE(refusal);
  EXPECT_EQ(refusal->status, 400u);
  EXPECT_EQ(refusal->reason, "bad request: Transfer-Encoding does not end in chunked");

  http::request_header<> list = head(http::verb::post, "/");
  list.set(http::field::content_length, "3, 3");
  list.insert(http::field::content_length, "3");
  EXPECT_FALSE(admitRequestHead(list, false, uint64_t{3}, kMaxFields));
  EXPECT_EQ(list.count(http::field::content_length), 1u);
  EXPECT_EQ(list[http::field::content_length], "3");
}

TEST(RequestHeadCheck, AnotherHttpVersionGets505) {
  for (const char* line : {"GET / HTTP/1.2\r\nHost: a\r\n\r\n", "GET / HTTP/2.0\r\n\r\n",
                           "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "GET / HTTP/0.9\r\n\r\n"}) {
    const auto refusal = refuseUnreadableHead(http::error::bad_version, line);
    ASSERT_TRUE(refusal) << line;
    EXPECT_EQ(refusal->status, 505u) << line;
  }
  EXPECT_EQ(refuseUnreadableHead(http::error::bad_version, "GET / HTTP/1.2\r\n\r\n")->reason,
            "HTTP version not supported: HTTP/1.2 (only HTTP/1.0 and HTTP/1.1)");
}

TEST(RequestHeadCheck, AMalformedVersionOrAnotherErrorIsLeftTo400) {
  for (const char* line : {"GET / HTTP/1.x\r\n\r\n", "GET / HTTP/10.0\r\n\r\n",
                           "GET / FTP/1.1\r\n\r\n", "GET /\r\n\r\n"}) {
    EXPECT_FALSE(refuseUnreadableHead(http::error::bad_version, line)) << line;
  }
  EXPECT_FALSE(refuseUnreadableHead(http::error::bad_method, "GET / HTTP/1.2\r\n\r\n"));
}

TEST(RequestHeadCheck, EmptyLinesBeforeTheRequestLineAreSkipped) {
  EXPECT_EQ(leadingEmptyLines("GET / HTTP/1.1\r\n\r\n"), 0u);
  EXPECT_EQ(leadingEmptyLines("\r\nGET / HTTP/1.1\r\n\r\n"), 2u);
  EXPECT_EQ(leadingEmptyLines("\r\n\r\nGET"), 4u);
  EXPECT_EQ(leadingEmptyLines("\r\r\nGET"), 0u) << "a lone CR is no empty line";
  EXPECT_EQ(leadingEmptyLines(""), 0u);
}

}  // namespace
}  // namespace mesh
