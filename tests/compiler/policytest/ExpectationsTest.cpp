#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "compiler/PolicyFixture.h"
#include "lower/Lowering.h"
#include "policytest/PolicyTests.h"

namespace meshc::policytest {
namespace {

// Lines 1-21: a redirect, a rewrite with header edits, a direct response and a fallback that adds
// a response header; tests start at line 22.
const std::string kPolicy = std::string(testing::kMeshHeader) +
                            "service api {\n"
                            "  port 80;\n"
                            "  subset v1 { endpoints []; }\n"
                            "  route {\n"
                            "    when path == \"/old\" => redirect 301 {\n"
                            "      scheme https; host \"example.com\"; path \"/new\";\n"
                            "    }\n"
                            "    when path prefix \"/v1\" => v1 {\n"
                            "      rewrite prefix \"/v2\";\n"
                            "      rewrite host \"api.internal\";\n"
                            "      request header set \"x-env\" = \"canary\";\n"
                            "      request header remove \"x-debug\";\n"
                            "      response header set \"x-served-by\" = \"mesh\";\n"
                            "      response header remove \"server\";\n"
                            "    }\n"
                            "    when path == \"/ping\" => respond 200 \"pong\";\n"
                            "    otherwise => v1 { response header add \"x-extra\" = \"1\"; }\n"
                            "  }\n"
                            "}\n"
                            "workload w { service api; version v1; calls api; }\n";

std::vector<TestResult> run(const std::string& tests, const std::string& policy = kPolicy) {
  const auto c = testing::check(policy + tests);
  EXPECT_TRUE(c.ok) << c.rendered();
  if (!c.ok) return {};
  PolicyTests runner(c.policy, lower::lowerPolicy(c.policy, "sha256:test"));
  return runner.run(std::nullopt);
}

// The failure lines of the one test, without the file name.
std::vector<std::string> failures(const std::string& test, const std::string& policy = kPolicy) {
  const std::vector<TestResult> results = run(test, policy);
  if (results.size() != 1) return {"expected one test"};
  std::vector<std::string> lines;
  for (const std::string& failure : results[0].failures) {
    lines.push_back(failure.substr(failure.find(':') + 1));
  }
  return lines;
}

TEST(Expectations, ARedirectsLocationAndStatus) {
  EXPECT_EQ(failures("test \"t\" {\n"
                     "  from w request GET \"http://api/old?q=1\";\n"
                     "  expect status 301;\n"
                     "  expect redirect \"https://example.com/new?q=1\";\n"
                     "}\n"),
            std::vector<std::string>{});
  EXPECT_EQ(failures("test \"t\" {\n"
                     "  from w request GET \"http://api/old\";\n"
                     "  expect redirect \"http://example.com/new\";\n"
                     "}\n"),
            std::vector<std::string>{"24:3: expected redirect to \"http://example.com/new\"; "
                                     "actual: \"https://example.com/new\""});
}

TEST(Expectations, TheForwardedRequestAfterTheRulesRewriteAndEdits) {
  EXPECT_EQ(failures("test \"t\" {\n"
                     "  from w request GET \"http://api/v1/items?id=7\" header \"x-debug\" = \"1\""
                     " header \"X-Keep\" = \"a\" header \"x-keep\" = \"b\";\n"
                     "  expect routed api.v1;\n"
                     "  expect upstream path \"/v2/items?id=7\";\n"
                     "  expect upstream host \"api.internal\";\n"
                     "  expect upstream header \"x-env\" = \"canary\";\n"
                     "  expect upstream header \"x-debug\" absent;\n"
                     "  expect upstream header \"x-keep\" = \"a,b\";\n"
                     "  expect response header \"x-served-by\" = \"mesh\";\n"
                     "  expect response header \"Server\" absent;\n"
                     "}\n"),
            std::vector<std::string>{});
  // Without a rewrite: the normalised path and the Host as sent.
  EXPECT_EQ(failures("test \"t\" {\n"
                     "  from w request GET \"http://api:80/a/../b\";\n"
                     "  expect upstream path \"/b\";\n"
                     "  expect upstream host \"api:80\";\n"
                     "}\n"),
            std::vector<std::string>{});
}

TEST(Expectations, FailuresNameExpectedAndActualValues) {
  EXPECT_EQ(failures("test \"t\" {\n"
                     "  from w request GET \"http://api/v1/a\" header \"x-debug\" = \"1\";\n"
                     "  expect upstream path \"/v2/b\";\n"
                     "  expect upstream host \"api\";\n"
                     "  expect upstream header \"x-env\" absent;\n"
                     "  expect upstream header \"x-debug\" = \"1\";\n"
                     "  expect response header \"x-served-by\" absent;\n"
                     "  expect response header \"server\" = \"mesh\";\n"
                     "}\n"),
            (std::vector<std::string>{
                "24:3: expected upstream path \"/v2/b\"; actual: \"/v2/a\"",
                "25:3: expected upstream host \"api\"; actual: \"api.internal\"",
                "26:3: expected upstream header \"x-env\" absent; actual: \"canary\"",
                "27:3: expected upstream header \"x-debug\" = \"1\"; actual: absent",
                "28:3: expected response header \"x-served-by\" absent; actual: \"mesh\"",
                "29:3: expected response header \"server\" = \"mesh\"; actual: absent"}));
}

TEST(Expectations, OnlyWhatTheResponseEditsGuaranteeHolds) {
  EXPECT_EQ(failures("test \"t\" {\n"
                     "  from w request GET \"http://api/x\";\n"
                     "  expect response header \"x-extra\" = \"1\";\n"
                     "  expect response header \"x-other\" absent;\n"
                     "}\n"),
            (std::vector<std::string>{"24:3: expected response header \"x-extra\" = \"1\"; actual: "
                                      "whatever the response carries, then \"1\"",
                                      "25:3: expected response header \"x-other\" absent; actual: "
                                      "no edit of it: whatever the response carries"}));
}

TEST(Expectations, TheForwardedRequestOfOneTheSidecarAnswersFails) {
  EXPECT_EQ(failures("test \"t\" {\n"
                     "  from w request GET \"http://api/old\";\n"
                     "  expect upstream path \"/old\";\n"
                     "  expect upstream header \"x-env\" absent;\n"
                     "}\n"),
            (std::vector<std::string>{
                "24:3: expected upstream path \"/old\"; actual: not forwarded: the sidecar "
                "answers 301",
                "25:3: expected upstream header \"x-env\" absent; actual: not forwarded: the "
                "sidecar answers 301"}));
  EXPECT_EQ(failures("test \"t\" {\n"
                     "  from w request GET \"http://elsewhere/\";\n"
                     "  expect upstream host \"elsewhere\";\n"
                     "  expect response header \"x-served-by\" absent;\n"
                     "}\n"),
            (std::vector<std::string>{
                "24:3: expected upstream host \"elsewhere\"; actual: not forwarded: the sidecar "
                "answers 404",
                "25:3: expected response header \"x-served-by\" absent; actual: no rule decided "
                "the request, so no rule's edits apply"}));
}

TEST(Expectations, ARedirectOfARequestThatIsNotRedirectedFails) {
  EXPECT_EQ(failures("test \"t\" {\n"
                     "  from w request GET \"http://api/v1\";\n"
                     "  expect redirect \"https://example.com/new\";\n"
                     "}\n"),
            std::vector<std::string>{"24:3: expected redirect to \"https://example.com/new\"; "
                                     "actual: no redirect: the request is forwarded"});
  EXPECT_EQ(failures("test \"t\" {\n"
                     "  from w request GET \"http://api/ping\";\n"
                     "  expect redirect \"https://example.com/new\";\n"
                     "}\n"),
            std::vector<std::string>{"24:3: expected redirect to \"https://example.com/new\"; "
                                     "actual: no redirect: the sidecar answers 200"});
}

TEST(Expectations, TheSidecarDropsWhatAConnectionFieldNames) {
  EXPECT_EQ(failures("test \"t\" {\n"
                     "  from w request GET \"http://api/x\" header \"connection\" = \"x-hop\""
                     " header \"x-hop\" = \"1\" header \"x-kept\" = \"2\";\n"
                     "  expect upstream header \"x-hop\" absent;\n"
                     "  expect upstream header \"x-kept\" = \"2\";\n"
                     "}\n"),
            std::vector<std::string>{});
}

TEST(Expectations, TheSidecarsRequestIdIsRandomUnlessTheRequestHasOne) {
  EXPECT_EQ(failures("test \"t\" {\n"
                     "  from w request GET \"http://api/x\";\n"
                     "  expect upstream header \"x-request-id\" = \"abc\";\n"
                     "}\n"),
            std::vector<std::string>{"24:3: expected upstream header \"x-request-id\" = \"abc\"; "
                                     "actual: a random id (the sidecar's)"});
  EXPECT_EQ(failures("test \"t\" {\n"
                     "  from w request GET \"http://api/x\" header \"x-request-id\" = \"abc\";\n"
                     "  expect upstream header \"x-request-id\" = \"abc\";\n"
                     "}\n"),
            std::vector<std::string>{});
}

// Lines 1-12: a route's retry policy, a rule that turns it off and a redirect; tests from line 13.
const std::string kRetryPolicy =
    std::string(testing::kMeshHeader) +
    "service api {\n"
    "  port 80;\n"
    "  subset v1 { endpoints []; }\n"
    "  route {\n"
    "    when path prefix \"/pay\" => v1 { retry { attempts 0; } }\n"
    "    when path == \"/old\" => redirect 301 { path \"/new\"; }\n"
    "    otherwise => v1;\n"
    "    retry { attempts 3; on gateway_error, 429; per_try_timeout 500ms; }\n"
    "  }\n"
    "}\n"
    "workload w { service api; version v1; calls api; }\n";

TEST(Expectations, TheDecidingRulesRetries) {
  EXPECT_EQ(failures("test \"t\" {\n"
                     "  from w request GET \"http://api/x\";\n"
                     "  expect retries 3;\n"
                     "}\n",
                     kRetryPolicy),
            std::vector<std::string>{});
  EXPECT_EQ(failures("test \"t\" {\n"
                     "  from w request GET \"http://api/pay\";\n"
                     "  expect retries 0;\n"
                     "}\n",
                     kRetryPolicy),
            std::vector<std::string>{});
  EXPECT_EQ(failures("test \"t\" {\n"
                     "  from w request GET \"http://api/x\";\n"
                     "  expect retries 1;\n"
                     "}\n",
                     kRetryPolicy),
            std::vector<std::string>{"15:3: expected 1 retry attempt; actual: 3 attempts on "
                                     "gateway_error, 429; per try 500ms; backoff 25ms..250ms; "
                                     "budget 20%"});
  EXPECT_EQ(failures("test \"t\" {\n"
                     "  from w request GET \"http://api/pay/1\";\n"
                     "  expect retries 2;\n"
                     "}\n",
                     kRetryPolicy),
            std::vector<std::string>{"15:3: expected 2 retry attempts; actual: no retry policy"});
  EXPECT_EQ(failures("test \"t\" {\n"
                     "  from w request GET \"http://api/old\";\n"
                     "  expect retries 0;\n"
                     "}\n",
                     kRetryPolicy),
            std::vector<std::string>{
                "15:3: expected no retries; actual: not forwarded: the sidecar answers 301"});
}

}  // namespace
}  // namespace meshc::policytest
