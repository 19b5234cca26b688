#include <gtest/gtest.h>

#include <boost/beast/http/fields.hpp>
#include <string>
#include <vector>

#include "policy/HeaderEditing.h"

namespace mesh {
namespace {
namespace http = boost::beast::http;

std::vector<std::string> lines(const http::fields& fields) {
  std::vector<std::string> out;
  for (const auto& field : fields) {
    out.push_back(std::string(field.name_string()) + ": " + std::string(field.value()));
  }
  return out;
}

using Op = HeaderEdit::Op;

TEST(HeaderEditing, SetReplacesEveryFieldOfTheNameOrAddsOne) {
  http::fields fields;
  fields.insert("Accept", "*/*");
  fields.insert("X-Env", "a");
  fields.insert("X-Other", "1");
  fields.insert("x-env", "b");
  const HeaderEdit edits[] = {{"x-env", "prod", Op::kSet}, {"x-new", "1", Op::kSet}};
  applyHeaderEdits(fields, edits);
  EXPECT_EQ(lines(fields),
            (std::vector<std::string>{"Accept: */*", "X-Other: 1", "x-env: prod", "x-new: 1"}));
}

TEST(HeaderEditing, AddAppendsAndRemoveDeletesEveryField) {
  http::fields fields;
  fields.insert("Cookie", "a=1");
  fields.insert("X-Debug", "1");
  fields.insert("x-debug", "2");
  const HeaderEdit edits[] = {
      {"cookie", "b=2", Op::kAdd}, {"x-debug", "", Op::kRemove}, {"x-absent", "", Op::kRemove}};
  applyHeaderEdits(fields, edits);
  EXPECT_EQ(lines(fields), (std::vector<std::string>{"Cookie: a=1", "cookie: b=2"}));
}

TEST(HeaderEditing, EditsApplyInTheOrderGiven) {
  http::fields fields;
  const HeaderEdit addThenRemove[] = {{"x-a", "1", Op::kAdd}, {"x-a", "", Op::kRemove}};
  applyHeaderEdits(fields, addThenRemove);
  EXPECT_TRUE(lines(fields).empty());
  const HeaderEdit removeThenAdd[] = {{"x-a", "", Op::kRemove},
                                      {"x-a", "1", Op::kAdd},
                                      {"x-a", "2", Op::kAdd},
                                      {"x-b", "0", Op::kSet},
                                      {"x-b", "3", Op::kSet}};
  applyHeaderEdits(fields, removeThenAdd);
  EXPECT_EQ(lines(fields), (std::vector<std::string>{"x-a: 1", "x-a: 2", "x-b: 3"}));
}

TEST(HeaderEditing, SkipsWhatTheSidecarKeepsToItself) {
  http::fields fields;
  fields.insert("Host", "reviews");
  fields.insert("Content-Length", "3");
  const HeaderEdit edits[] = {{"host", "evil", Op::kSet},
                              {"content-length", "", Op::kRemove},
                              {"transfer-encoding", "chunked", Op::kAdd},
                              {"connection", "close", Op::kSet},
                              {"keep-alive", "timeout=1", Op::kSet},
                              {"proxy-connection", "close", Op::kSet},
                              {"te", "trailers", Op::kSet},
                              {"trailer", "x-sum", Op::kSet},
                              {"upgrade", "h2c", Op::kSet},
                              {"expect", "100-continue", Op::kSet},
                              {"x-kept", "1", Op::kSet}};
  applyHeaderEdits(fields, edits);
  EXPECT_EQ(lines(fields),
            (std::vector<std::string>{"Host: reviews", "Content-Length: 3", "x-kept: 1"}));
  EXPECT_TRUE(isSidecarOwnedHeader("transfer-encoding"));
  EXPECT_FALSE(isSidecarOwnedHeader("x-mesh-upstream-cluster"));
  EXPECT_FALSE(isSidecarOwnedHeader("hostname"));
}

}  // namespace
}  // namespace mesh
