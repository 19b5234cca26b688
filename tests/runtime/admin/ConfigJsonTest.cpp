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

}  // namespace
}  // namespace mesh
