#include <gtest/gtest.h>

#include "TestModule.h"
#include "core/ModuleCheck.h"

namespace mesh {
namespace {

TEST(ModuleCheck, AcceptsAWellFormedModule) {
  const TestModule module;
  EXPECT_EQ(checkModule(module.module), "");
}

TEST(ModuleCheck, RefusesAnotherAbiVersionFirst) {
  TestModule module;
  module.module.abi_version = MESH_ABI_VERSION + 1;
  module.module.route = nullptr;  // must not matter: nothing else is read
  EXPECT_NE(checkModule(module.module)
                .find("built for runtime ABI version 4, this runtime "
                      "implements version 3"),
            std::string::npos);
}

TEST(ModuleCheck, RefusesBrokenTables) {
  {
    TestModule module;
    module.module.route = nullptr;
    EXPECT_EQ(checkModule(module.module), "the policy module has no route function");
  }
  {
    TestModule module;
    module.clusters[1].service_index = 5;
    EXPECT_EQ(checkModule(module.module), "cluster reviews.v2 names service 5 of 2");
  }
  {
    TestModule module;
    module.module.local_cluster = 2;
    EXPECT_EQ(checkModule(module.module), "local_cluster 2 is out of range");
  }
  {
    TestModule module;
    module.services[1].first_rule = 3;
    EXPECT_EQ(checkModule(module.module), "service productpage has rules [3, +0) of 2");
  }
  {
    TestModule module;
    module.rules[1].service = 2;
    EXPECT_EQ(checkModule(module.module), "rule 1 (test.mesh:4:5) names service 2 of 2");
  }
}

TEST(ModuleCheck, RefusesPathSettingsAndRegexTablesItCannotUse) {
  {
    TestModule module;
    module.module.regex_count = 1;
    EXPECT_EQ(checkModule(module.module), "the policy module has a null regex table");
  }
  {
    static const char* const kPatterns[] = {"/ok.*", "/(unclosed"};
    TestModule module;
    module.module.regexes = kPatterns;
    module.module.regex_count = 2;
    EXPECT_EQ(checkModule(module.module),
              "regex 1 \"/(unclosed\" does not compile: missing ): /(unclosed");
  }
  {
    TestModule module;
    module.module.encoded_slashes = 3;
    EXPECT_EQ(checkModule(module.module),
              "encoded_slashes is 3, not a MESH_ENCODED_SLASHES_* value");
  }
  {
    TestModule module;
    module.module.merge_slashes = 2;
    EXPECT_EQ(checkModule(module.module), "merge_slashes is 2, not 0 or 1");
  }
}

TEST(ModuleCheck, RefusesActionsItDoesNotKnow) {
  {
    TestModule module;
    module.actions[0].kind = 999;
    EXPECT_EQ(checkModule(module.module),
              "rule 0 (test.mesh:3:5): action kind 999 is unknown to this "
              "runtime; rebuild the "
              "sidecar with the meshc that compiled the policy");
  }
  {
    TestModule module;
    module.actions[0].config = nullptr;
    EXPECT_EQ(checkModule(module.module), "rule 0 (test.mesh:3:5): action of kind 1 has no config");
  }
}

}  // namespace
}  // namespace mesh
