#include <gtest/gtest.h>

#include "TestModule.h"
#include "admin/ConfigJson.h"

namespace mesh {
namespace {

TEST(ConfigJson, EscapesStrings) {
  std::string out;
  appendJsonString(out, "a\"b\\c\n\x01");
  EXPECT_EQ(out, "\"a\\\"b\\\\c\\n\\u0001\"");
}

TEST(ConfigJson, DescribesModuleAndCurrentEndpoints) {
  const TestModule module;
  EndpointIds ids;
  const ClusterTable table(module.module, {{"reviews.v2", {{"127.0.0.1", 9002}}, 1}},
                           HostPort{"127.0.0.1", 8080}, ids);
  const RuleTable rules(module.module);
  EXPECT_EQ(renderConfigJson(module.module, rules, table, nullptr),
            R"({
  "mesh": "mesh \"one\"",
  "workload": "productpage-v1",
  "policy_digest": "sha256:abc",
  "compiler_version": "test",
  "abi_version": 4,
  "trust_domain": "cluster.local",
  "principal": "spiffe://cluster.local/ns/default/sa/productpage",
  "certificate": null,
  "local_service": "productpage",
  "services": [
    {"name": "reviews", "port": 9080, "first_rule": 0, "rule_count": 2, "mtls": "permissive", "principals": []},
    {"name": "productpage", "port": 9080, "first_rule": 2, "rule_count": 0, "mtls": "permissive", "principals": []}
  ],
  "rules": [
    {"service": "reviews", "location": "test.mesh:3:5", "timeout_ms": 250, "request_headers": [], "response_headers": [], "direct_response": null, "redirect": null, "rewrite": null},
    {"service": "reviews", "location": "test.mesh:4:5", "timeout_ms": 0, "request_headers": [], "response_headers": [], "direct_response": null, "redirect": null, "rewrite": null}
  ],
  "clusters": [
    {"name": "reviews.v1", "service": "reviews", "subset": "v1", "endpoints": ["10.0.0.1:9080"]},
    {"name": "reviews.v2", "service": "reviews", "subset": "v2", "endpoints": ["127.0.0.1:9002"]}
  ],
  "inbound_app": "127.0.0.1:8080"
}
)");
}

// The "rules" array of the document.
std::string rulesOf(const TestModule& module) {
  EndpointIds ids;
  const ClusterTable table(module.module, {}, std::nullopt, ids);
  const RuleTable rules(module.module);
  const std::string json = renderConfigJson(module.module, rules, table, nullptr);
  const size_t begin = json.find("\"rules\": [");
  const size_t end = json.find("\n  ],\n  \"clusters\"");
  return json.substr(begin, end - begin);
}

TEST(ConfigJson, DescribesEveryActionOfARule) {
  TestModule module;
  const mesh_header_edit requestEdits[] = {{"x-env", "prod", MESH_HEADER_SET, 0},
                                           {"x-tag", "b", MESH_HEADER_ADD, 0},
                                           {"x-debug", "", MESH_HEADER_REMOVE, 0}};
  const mesh_header_edit responseEdits[] = {{"cache-control", "no-store", MESH_HEADER_SET, 0}};
  const mesh_header_edits request{requestEdits, 3, 0};
  const mesh_header_edits response{responseEdits, 1, 0};
  const mesh_rewrite rewrite{"backend.internal", {"/v2", "/api", MESH_PATH_PREFIX, 0}};
  const mesh_action forwarding[] = {{MESH_ACTION_TIMEOUT, 0, &module.timeout},
                                    {MESH_ACTION_REQUEST_HEADERS, 0, &request},
                                    {MESH_ACTION_RESPONSE_HEADERS, 0, &response},
                                    {MESH_ACTION_REWRITE, 0, &rewrite}};
  const mesh_redirect redirect{"https", "", {"/new", "", MESH_PATH_FULL, 0}, 8443, 308};
  const mesh_action redirecting[] = {{MESH_ACTION_REDIRECT, 0, &redirect}};
  module.rules[0].actions = forwarding;
  module.rules[0].action_count = 4;
  module.rules[1].actions = redirecting;
  module.rules[1].action_count = 1;
  EXPECT_EQ(rulesOf(module),
            R"("rules": [
    {"service": "reviews", "location": "test.mesh:3:5", "timeout_ms": 250, "request_headers": [{"op": "set", "name": "x-env", "value": "prod"}, {"op": "add", "name": "x-tag", "value": "b"}, {"op": "remove", "name": "x-debug"}], "response_headers": [{"op": "set", "name": "cache-control", "value": "no-store"}], "direct_response": null, "redirect": null, "rewrite": {"host": "backend.internal", "path": {"prefix": "/api", "replacement": "/v2"}}},
    {"service": "reviews", "location": "test.mesh:4:5", "timeout_ms": 0, "request_headers": [], "response_headers": [], "direct_response": null, "redirect": {"status": 308, "scheme": "https", "host": null, "port": 8443, "path": {"full": "/new"}}, "rewrite": null})");

  const mesh_direct_response answer{"ok\n", 200, 0};
  const mesh_action answering[] = {{MESH_ACTION_DIRECT_RESPONSE, 0, &answer}};
  const mesh_rewrite hostOnly{"other", {"", "", MESH_PATH_KEEP, 0}};
  const mesh_action rewriting[] = {{MESH_ACTION_REWRITE, 0, &hostOnly}};
  module.rules[0].actions = rewriting;
  module.rules[0].action_count = 1;
  module.rules[1].actions = answering;
  EXPECT_EQ(rulesOf(module),
            R"("rules": [
    {"service": "reviews", "location": "test.mesh:3:5", "timeout_ms": 0, "request_headers": [], "response_headers": [], "direct_response": null, "redirect": null, "rewrite": {"host": "other", "path": null}},
    {"service": "reviews", "location": "test.mesh:4:5", "timeout_ms": 0, "request_headers": [], "response_headers": [], "direct_response": {"status": 200, "body": "ok\n"}, "redirect": null, "rewrite": null})");
}

TEST(ConfigJson, ShowsARulesExperimentWithItsVariants) {
  TestModule module;
  const mesh_variant variants[] = {{"control", 0, 9000}, {"big-stars", 1, 1000}};
  const mesh_experiment experiment{"stars", "session", "exp-stars",       variants,
                                   3600,    2,         MESH_STICKY_COOKIE};
  const mesh_action actions[] = {{MESH_ACTION_EXPERIMENT, 0, &experiment}};
  module.rules[1].actions = actions;
  module.rules[1].action_count = 1;
  EXPECT_NE(rulesOf(module).find(
                R"("rewrite": null, "experiment": {"name": "stars", "sticky": "cookie", )"
                R"("sticky_key": "session", "cookie": "exp-stars", "cookie_max_age_s": 3600, )"
                R"("variants": [{"name": "control", "cluster": "reviews.v1", "weight": 9000}, )"
                R"({"name": "big-stars", "cluster": "reviews.v2", "weight": 1000}]}})"),
            std::string::npos)
      << rulesOf(module);
}

TEST(ConfigJson, ListsARulesMirrorsWithTheirWeights) {
  TestModule module;
  const mesh_mirror list[] = {{1, 1250}, {0, 10000}};
  const mesh_mirrors mirrors{list, 2, 0};
  const mesh_action actions[] = {{MESH_ACTION_MIRROR, 0, &mirrors}};
  module.rules[1].actions = actions;
  module.rules[1].action_count = 1;
  EndpointIds ids;
  const ClusterTable table(module.module, {}, std::nullopt, ids);
  const std::string json =
      renderConfigJson(module.module, RuleTable(module.module), table, nullptr);
  EXPECT_NE(json.find(R"({"service": "reviews", "location": "test.mesh:4:5", "timeout_ms": 0, )"
                      R"("request_headers": [], "response_headers": [], "direct_response": null, )"
                      R"("redirect": null, "rewrite": null, )"
                      R"("mirrors": [{"cluster": "reviews.v2", "weight": 1250}, )"
                      R"({"cluster": "reviews.v1", "weight": 10000}]})"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find(R"("location": "test.mesh:3:5", "timeout_ms": 250, "request_headers": [], )"
                      R"("response_headers": [], "direct_response": null, "redirect": null, )"
                      R"("rewrite": null},)"),
            std::string::npos)
      << "a rule without mirrors has no list";
}

TEST(ConfigJson, ShowsARulesRetryPolicy) {
  TestModule module;
  const uint32_t statuses[] = {429, 503};
  mesh_retry retry{};
  retry.statuses = statuses;
  retry.status_count = 2;
  retry.per_try_timeout_ms = 500;
  retry.backoff_base_ms = 25;
  retry.backoff_max_ms = 250;
  retry.conditions = MESH_RETRY_RESET | MESH_RETRY_CONNECT_FAILURE;
  retry.attempts = 3;
  retry.budget = 2000;
  const mesh_action actions[] = {{MESH_ACTION_RETRY, 0, &retry}};
  module.rules[1].actions = actions;
  module.rules[1].action_count = 1;
  EndpointIds ids;
  const ClusterTable table(module.module, {}, std::nullopt, ids);
  const std::string json =
      renderConfigJson(module.module, RuleTable(module.module), table, nullptr);
  EXPECT_NE(json.find(R"("rewrite": null, "retry": {"attempts": 3, )"
                      R"("on": ["reset", "connect_failure"], "statuses": [429, 503], )"
                      R"("per_try_timeout_ms": 500, "backoff_base_ms": 25, )"
                      R"("backoff_max_ms": 250, "budget": 2000, "non_idempotent": false}})"),
            std::string::npos)
      << json;
}

}  // namespace
}  // namespace mesh
