#include <gtest/gtest.h>

#include "TestModule.h"
#include "policy/RuleTable.h"

namespace mesh {
namespace {

TEST(RuleTable, DecodesEachRulesActions) {
  const TestModule module;
  const RuleTable rules(module.module);
  ASSERT_EQ(rules.size(), 2u);
  EXPECT_EQ(rules[0].timeoutMs, 250u);
  EXPECT_EQ(rules[0].location, "test.mesh:3:5");
  EXPECT_EQ(rules[1].timeoutMs, 0u);
  EXPECT_EQ(rules[1].service, 0u);
  EXPECT_TRUE(rules[1].requestHeaders.empty());
  EXPECT_FALSE(rules[1].redirect || rules[1].directResponse || rules[1].rewrite);
}

TEST(RuleTable, ApplyActionNamesWhatItRefuses) {
  RuleSettings settings;
  const mesh_timeout_action timeout{40};
  EXPECT_EQ(applyAction({MESH_ACTION_TIMEOUT, 0, &timeout}, settings), "");
  EXPECT_EQ(settings.timeoutMs, 40u);
  EXPECT_EQ(applyAction({0, 0, &timeout}, settings),
            "action kind 0 is unknown to this runtime; rebuild the sidecar with the meshc that "
            "compiled the policy");
  EXPECT_EQ(applyAction({11, 0, &timeout}, settings),
            "action kind 11 is unknown to this runtime; rebuild the sidecar with the meshc that "
            "compiled the policy");
  EXPECT_EQ(applyAction({MESH_ACTION_TIMEOUT, 0, nullptr}, settings),
            "action of kind 1 has no config");
  EXPECT_EQ(applyAction({MESH_ACTION_REDIRECT, 0, nullptr}, settings),
            "action of kind 5 has no config");
}

const mesh_header_edit kRequestEdits[] = {{"x-a", "1", MESH_HEADER_SET, 0},
                                          {"x-b", "", MESH_HEADER_REMOVE, 0}};
const mesh_header_edit kResponseEdits[] = {{"x-c", "3", MESH_HEADER_ADD, 0}};
const mesh_header_edits kRequestHeaders{kRequestEdits, 2, 0};
const mesh_header_edits kResponseHeaders{kResponseEdits, 1, 0};
const mesh_direct_response kDirect{"teapot\n", 418, 0};
const mesh_redirect kRedirect{"https", "", {"", "", MESH_PATH_KEEP, 0}, 0, 301};
const mesh_rewrite kRewrite{"backend", {"/v2", "/v1", MESH_PATH_PREFIX, 0}};

TEST(RuleTable, ApplyActionFillsEachKindsSetting) {
  RuleSettings settings;
  EXPECT_EQ(applyAction({MESH_ACTION_REQUEST_HEADERS, 0, &kRequestHeaders}, settings), "");
  EXPECT_EQ(applyAction({MESH_ACTION_RESPONSE_HEADERS, 0, &kResponseHeaders}, settings), "");
  EXPECT_EQ(applyAction({MESH_ACTION_REQUEST_HEADERS, 0, &kRequestHeaders}, settings), "");
  ASSERT_EQ(settings.requestHeaders.size(), 4u);  // a second list appends to the first
  EXPECT_EQ(settings.requestHeaders[1].name, "x-b");
  EXPECT_EQ(settings.requestHeaders[1].op, HeaderEdit::Op::kRemove);
  ASSERT_EQ(settings.responseHeaders.size(), 1u);
  EXPECT_EQ(settings.responseHeaders[0].op, HeaderEdit::Op::kAdd);

  RuleSettings direct;
  EXPECT_EQ(applyAction({MESH_ACTION_DIRECT_RESPONSE, 0, &kDirect}, direct), "");
  ASSERT_TRUE(direct.directResponse);
  EXPECT_EQ(direct.directResponse->status, 418u);
  EXPECT_EQ(direct.directResponse->body, "teapot\n");

  RuleSettings redirect;
  EXPECT_EQ(applyAction({MESH_ACTION_REDIRECT, 0, &kRedirect}, redirect), "");
  ASSERT_TRUE(redirect.redirect);
  EXPECT_EQ(redirect.redirect->scheme, "https");
  EXPECT_EQ(redirect.redirect->status, 301u);

  RuleSettings rewrite;
  EXPECT_EQ(applyAction({MESH_ACTION_REWRITE, 0, &kRewrite}, rewrite), "");
  ASSERT_TRUE(rewrite.rewrite);
  EXPECT_EQ(rewrite.rewrite->host, "backend");
  EXPECT_EQ(rewrite.rewrite->path.prefix, "/v1");
}

TEST(RuleTable, ApplyActionNamesTheKindOfAMalformedConfig) {
  RuleSettings settings;
  const mesh_header_edit badOp[] = {{"x-a", "1", 9, 0}};
  const mesh_header_edits badEdits{badOp, 1, 0};
  EXPECT_EQ(applyAction({MESH_ACTION_REQUEST_HEADERS, 0, &badEdits}, settings),
            "request header edits: edit 0 has op 9, not a MESH_HEADER_* value");
  EXPECT_EQ(applyAction({MESH_ACTION_RESPONSE_HEADERS, 0, &badEdits}, settings),
            "response header edits: edit 0 has op 9, not a MESH_HEADER_* value");
  const mesh_direct_response badDirect{"", 100, 0};
  EXPECT_EQ(applyAction({MESH_ACTION_DIRECT_RESPONSE, 0, &badDirect}, settings),
            "direct response: status 100 is not within 200-599");
  RuleSettings fresh;
  const mesh_redirect badRedirect{"", "", {"", "", MESH_PATH_KEEP, 0}, 0, 300};
  EXPECT_EQ(applyAction({MESH_ACTION_REDIRECT, 0, &badRedirect}, fresh),
            "redirect: status 300 is not 301, 302, 303, 307 or 308");
  RuleSettings another;
  const mesh_rewrite badRewrite{"", {"/x", "/x/", MESH_PATH_PREFIX, 0}};
  EXPECT_EQ(applyAction({MESH_ACTION_REWRITE, 0, &badRewrite}, another),
            "rewrite: path: PREFIX prefix \"/x/\" is not a path without a trailing '/'");
}

TEST(RuleTable, DecodesOneRetryPolicyPerRule) {
  const uint32_t statuses[] = {429};
  mesh_retry retry{};
  retry.statuses = statuses;
  retry.status_count = 1;
  retry.backoff_base_ms = 25;
  retry.backoff_max_ms = 250;
  retry.conditions = MESH_RETRY_RESET;
  retry.attempts = 3;
  retry.budget = 2000;
  RuleSettings settings;
  EXPECT_EQ(applyAction({MESH_ACTION_RETRY, 0, &retry}, settings), "");
  ASSERT_TRUE(settings.retry);
  EXPECT_EQ(settings.retry->attempts, 3u);
  EXPECT_EQ(settings.retry->statuses, std::vector<uint16_t>{429});
  EXPECT_EQ(applyAction({MESH_ACTION_RETRY, 0, &retry}, settings), "a second retry policy");
  retry.attempts = 0;
  RuleSettings fresh;
  EXPECT_EQ(applyAction({MESH_ACTION_RETRY, 0, &retry}, fresh),
            "retry: 0 attempts, not within 1-10");
}

TEST(RuleTable, ARuleAnswersOneWayAtMost) {
  const std::string rest = ": a rule holds at most one direct response, redirect or rewrite";
  {
    RuleSettings settings;
    EXPECT_EQ(applyAction({MESH_ACTION_REDIRECT, 0, &kRedirect}, settings), "");
    EXPECT_EQ(applyAction({MESH_ACTION_DIRECT_RESPONSE, 0, &kDirect}, settings),
              "a direct response besides a redirect" + rest);
    EXPECT_EQ(applyAction({MESH_ACTION_REWRITE, 0, &kRewrite}, settings),
              "a rewrite besides a redirect" + rest);
  }
  {
    RuleSettings settings;
    EXPECT_EQ(applyAction({MESH_ACTION_REWRITE, 0, &kRewrite}, settings), "");
    EXPECT_EQ(applyAction({MESH_ACTION_REWRITE, 0, &kRewrite}, settings),
              "a rewrite besides a rewrite" + rest);
    EXPECT_EQ(applyAction({MESH_ACTION_REDIRECT, 0, &kRedirect}, settings),
              "a redirect besides a rewrite" + rest);
  }
  {
    RuleSettings settings;
    EXPECT_EQ(applyAction({MESH_ACTION_DIRECT_RESPONSE, 0, &kDirect}, settings), "");
    EXPECT_EQ(applyAction({MESH_ACTION_REDIRECT, 0, &kRedirect}, settings),
              "a redirect besides a direct response" + rest);
    // Header edits and a timeout go with any of them.
    EXPECT_EQ(applyAction({MESH_ACTION_RESPONSE_HEADERS, 0, &kResponseHeaders}, settings), "");
    EXPECT_EQ(applyAction({MESH_ACTION_REQUEST_HEADERS, 0, &kRequestHeaders}, settings), "");
  }
}

TEST(RuleTable, DecodesEveryActionOfARule) {
  TestModule module;
  const mesh_action actions[] = {{MESH_ACTION_REWRITE, 0, &kRewrite},
                                 {MESH_ACTION_REQUEST_HEADERS, 0, &kRequestHeaders},
                                 {MESH_ACTION_RESPONSE_HEADERS, 0, &kResponseHeaders},
                                 {MESH_ACTION_TIMEOUT, 0, &module.timeout}};
  module.rules[1].actions = actions;
  module.rules[1].action_count = 4;
  const RuleTable rules(module.module);
  EXPECT_EQ(rules[1].timeoutMs, 250u);
  EXPECT_EQ(rules[1].requestHeaders.size(), 2u);
  EXPECT_EQ(rules[1].responseHeaders.size(), 1u);
  ASSERT_TRUE(rules[1].rewrite);
  EXPECT_EQ(rules[1].rewrite->path.value, "/v2");
  EXPECT_FALSE(rules[0].rewrite);
}

TEST(RuleTable, DecodesOneMirrorListPerRule) {
  const mesh_mirror list[] = {{1, 1000}, {0, 10000}};
  const mesh_mirrors mirrors{list, 2, 0};
  RuleSettings settings;
  EXPECT_EQ(applyAction({MESH_ACTION_MIRROR, 0, &mirrors}, settings), "");
  ASSERT_EQ(settings.mirrors.size(), 2u);
  EXPECT_EQ(settings.mirrors[0].cluster, 1u);
  EXPECT_EQ(settings.mirrors[1].weight, 10000u);
  EXPECT_EQ(applyAction({MESH_ACTION_MIRROR, 0, &mirrors}, settings),
            "a second mirror list: a rule holds one");
  const mesh_mirror zero[] = {{1, 0}};
  const mesh_mirrors malformed{zero, 1, 0};
  RuleSettings fresh;
  EXPECT_EQ(applyAction({MESH_ACTION_MIRROR, 0, &malformed}, fresh),
            "mirrors: mirror 0 has weight 0, not within 1-10000");
}

}  // namespace
}  // namespace mesh
