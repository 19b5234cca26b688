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
}

TEST(RuleTable, ApplyActionNamesWhatItRefuses) {
  RuleSettings settings;
  const mesh_timeout_action timeout{40};
  EXPECT_EQ(applyAction({MESH_ACTION_TIMEOUT, 0, &timeout}, settings), "");
  EXPECT_EQ(settings.timeoutMs, 40u);
  EXPECT_EQ(applyAction({0, 0, &timeout}, settings),
            "action kind 0 is unknown to this runtime; rebuild the sidecar with the meshc that "
            "compiled the policy");
  EXPECT_EQ(applyAction({MESH_ACTION_TIMEOUT, 0, nullptr}, settings),
            "action of kind 1 has no config");
}

}  // namespace
}  // namespace mesh
