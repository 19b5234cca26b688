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
  EXPECT_EQ(renderConfigJson(module.module, rules, table),
            R"({
  "mesh": "mesh \"one\"",
  "workload": "productpage-v1",
  "policy_digest": "sha256:abc",
  "compiler_version": "test",
  "abi_version": 3,
  "local_service": "productpage",
  "services": [
    {"name": "reviews", "port": 9080, "first_rule": 0, "rule_count": 2},
    {"name": "productpage", "port": 9080, "first_rule": 2, "rule_count": 0}
  ],
  "rules": [
    {"service": "reviews", "location": "test.mesh:3:5", "timeout_ms": 250},
    {"service": "reviews", "location": "test.mesh:4:5", "timeout_ms": 0}
  ],
  "clusters": [
    {"name": "reviews.v1", "service": "reviews", "subset": "v1", "endpoints": ["10.0.0.1:9080"]},
    {"name": "reviews.v2", "service": "reviews", "subset": "v2", "endpoints": ["127.0.0.1:9002"]}
  ],
  "inbound_app": "127.0.0.1:8080"
}
)");
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
  const std::string json = renderConfigJson(module.module, RuleTable(module.module), table);
  EXPECT_NE(json.find(R"({"service": "reviews", "location": "test.mesh:4:5", "timeout_ms": 0, )"
                      R"("mirrors": [{"cluster": "reviews.v2", "weight": 1250}, )"
                      R"({"cluster": "reviews.v1", "weight": 10000}]})"),
            std::string::npos)
      << json;
  EXPECT_NE(json.find(R"("location": "test.mesh:3:5", "timeout_ms": 250},)"), std::string::npos)
      << "a rule without mirrors has no list";
}

}  // namespace
}  // namespace mesh
