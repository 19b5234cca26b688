#include <gtest/gtest.h>

#include "http/HopByHop.h"

namespace mesh {
namespace {
namespace http = boost::beast::http;

std::vector<std::string> names(const http::fields& fields) {
  std::vector<std::string> out;
  for (const auto& field : fields) out.emplace_back(field.name_string());
  return out;
}

TEST(HopByHop, RemovesStandardHopByHopHeaders) {
  http::fields fields;
  fields.set("Host", "reviews");
  fields.set("Connection", "keep-alive");
  fields.set("Keep-Alive", "timeout=5");
  fields.set("Proxy-Connection", "keep-alive");
  fields.set("TE", "trailers");
  fields.set("Trailer", "x-checksum");
  fields.set("Upgrade", "websocket");
  fields.set("x-request-id", "1");
  removeHopByHopHeaders(fields);
  EXPECT_EQ(names(fields), (std::vector<std::string>{"Host", "x-request-id"}));
}

TEST(HopByHop, RemovesHeadersNamedByConnectionAcrossRepeatedHeaders) {
  http::fields fields;
  fields.insert("Connection", "X-Foo ,  x-bar");
  fields.insert("X-Foo", "1");
  fields.insert("Accept", "*/*");
  fields.insert("Connection", "x-baz");
  fields.insert("X-Bar", "2");
  fields.insert("x-baz", "3");
  removeHopByHopHeaders(fields);
  EXPECT_EQ(names(fields), (std::vector<std::string>{"Accept"}));
}

TEST(HopByHop, NeverRemovesFramingOrHostEvenWhenNamed) {
  http::fields fields;
  fields.insert("Connection", "content-length, Transfer-Encoding, host, close");
  fields.insert("Host", "reviews");
  fields.insert("Content-Length", "5");
  fields.insert("Transfer-Encoding", "chunked");
  removeHopByHopHeaders(fields);
  EXPECT_EQ(names(fields),
            (std::vector<std::string>{"Host", "Content-Length", "Transfer-Encoding"}));
}

}  // namespace
}  // namespace mesh
