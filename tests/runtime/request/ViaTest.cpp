#include <gtest/gtest.h>

#include <boost/beast/http/fields.hpp>

#include "http/BeastFields.h"
#include "request/Via.h"

namespace mesh {
namespace {
namespace http = boost::beast::http;

std::string viaAfter(http::fields fields, unsigned version) {
  BeastFields beast(fields);
  appendVia(beast, version);
  EXPECT_EQ(fields.count(http::field::via), 1u);
  return std::string(fields[http::field::via]);
}

TEST(Via, NamesTheReceivedVersionAndTheSidecar) {
  EXPECT_EQ(viaAfter({}, 11), "1.1 meshc");
  EXPECT_EQ(viaAfter({}, 10), "1.0 meshc");
}

TEST(Via, AppendsToTheListTheMessageCarries) {
  http::fields one;
  one.set("Via", "1.0 fred, 1.1 p.example.net");
  EXPECT_EQ(viaAfter(one, 11), "1.0 fred, 1.1 p.example.net, 1.1 meshc");
  http::fields repeated;
  repeated.insert("via", "1.0 fred");
  repeated.insert("x-other", "1");
  repeated.insert("VIA", "1.1 edge");
  EXPECT_EQ(viaAfter(repeated, 11), "1.0 fred, 1.1 edge, 1.1 meshc");
  http::fields empty;
  empty.set("via", "");
  EXPECT_EQ(viaAfter(empty, 11), "1.1 meshc");
}

}  // namespace
}  // namespace mesh
