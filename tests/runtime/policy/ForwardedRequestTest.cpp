#include <gtest/gtest.h>

#include <boost/beast/http/fields.hpp>
#include <string>

#include "policy/ForwardedRequest.h"

namespace mesh {
namespace {
namespace http = boost::beast::http;

TEST(ForwardedRequest, WithoutAPathRewriteTheTargetIsNotCopied) {
  std::string storage;
  const std::string_view target = "/a?q=1";
  RuleSettings rule;
  EXPECT_EQ(rewrittenTarget(target, rule, storage).data(), target.data());
  rule.rewrite = Rewrite{"backend", {}};
  EXPECT_EQ(rewrittenTarget(target, rule, storage).data(), target.data());
}

TEST(ForwardedRequest, ThePathIsRewrittenAndTheQueryKept) {
  std::string storage;
  RuleSettings rule;
  rule.rewrite = Rewrite{"", {PathRewrite::Kind::kPrefix, "/v2", "/v1"}};
  EXPECT_EQ(rewrittenTarget("/v1/items?id=7&x=%2F", rule, storage), "/v2/items?id=7&x=%2F");
  EXPECT_EQ(rewrittenTarget("/v1?", rule, storage), "/v2?");
  EXPECT_EQ(rewrittenTarget("/v1", rule, storage), "/v2");
}

TEST(ForwardedRequest, TheRewritesHostThenTheRequestHeaderEdits) {
  RuleSettings rule;
  rule.rewrite = Rewrite{"backend.internal", {}};
  rule.requestHeaders = {{"x-env", "prod", HeaderEdit::Op::kSet},
                         {"host", "evil", HeaderEdit::Op::kSet}};
  http::fields fields;
  fields.set(http::field::host, "reviews");
  applyForwardedHeaderChanges(fields, rule);
  EXPECT_EQ(fields[http::field::host], "backend.internal");
  EXPECT_EQ(fields["x-env"], "prod");

  // No rewrite of the host: the request's stays.
  rule.rewrite.reset();
  fields.set(http::field::host, "reviews");
  applyForwardedHeaderChanges(fields, rule);
  EXPECT_EQ(fields[http::field::host], "reviews");
}

}  // namespace
}  // namespace mesh
