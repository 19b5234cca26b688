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

TEST(UpstreamRequest, TheUpstreamGetsWhatThePolicySaw) {
  Prng prng;
  Request request = clientRequest("http://Reviews:9080/a/../b?q=1");
  prepareUpstreamRequest(request, ForwardedTarget{"/b?q=1", "Reviews:9080"}, prng);
  EXPECT_EQ(request.target(), "/b?q=1");
  EXPECT_EQ(request[http::field::host], "Reviews:9080");
  EXPECT_EQ(request.version(), 11u);
  EXPECT_EQ(request.count(http::field::connection), 0u);
  EXPECT_EQ(request.count("x-secret"), 0u);
  EXPECT_EQ(request.count(http::field::expect), 0u);
  EXPECT_EQ(request["x-request-id"], "given");
}

TEST(UpstreamRequest, AddsARequestIdWhenThereIsNone) {
  Prng prng;
  Request request{http::verb::get, "/", 11};
  prepareUpstreamRequest(request, ForwardedTarget{"/", ""}, prng);
  EXPECT_EQ(request["x-request-id"].size(), 36u);
}

}  // namespace
}  // namespace mesh
