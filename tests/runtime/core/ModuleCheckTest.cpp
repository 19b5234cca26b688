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
                .find("built for runtime ABI version 5, this runtime "
                      "implements version 4"),
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

TEST(ModuleCheck, RefusesMtlsSettingsItCannotUse) {
  {
    TestModule module;
    module.services[0].mtls = 3;
    EXPECT_EQ(checkModule(module.module), "service reviews has mtls 3, not a MESH_MTLS_* value");
  }
  {
    TestModule module;
    module.services[0].principal_count = 1;
    EXPECT_EQ(checkModule(module.module), "service reviews has a null principal list");
  }
  {
    static const char* const kPrincipals[] = {"spiffe://cluster.local/ns/default/sa/reviews",
                                              nullptr};
    TestModule module;
    module.services[0].principals = kPrincipals;
    module.services[0].principal_count = 2;
    EXPECT_EQ(checkModule(module.module), "principal 1 of service reviews is null");
  }
  {
    TestModule module;
    module.module.principal = nullptr;
    EXPECT_EQ(checkModule(module.module),
              "the policy module lacks its mesh name, workload, digest, compiler version, trust "
              "domain or principal");
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

TEST(ModuleCheck, RefusesMalformedActionsNamingTheRule) {
  {
    TestModule module;
    const mesh_redirect redirect{"ftp", "", {"", "", MESH_PATH_KEEP, 0}, 0, 302};
    const mesh_action actions[] = {{MESH_ACTION_REDIRECT, 0, &redirect}};
    module.rules[1].actions = actions;
    module.rules[1].action_count = 1;
    EXPECT_EQ(checkModule(module.module),
              "rule 1 (test.mesh:4:5): redirect: scheme \"ftp\" is not \"\", \"http\" or "
              "\"https\"");
  }
  {
    TestModule module;
    const mesh_direct_response direct{"", 200, 0};
    const mesh_redirect redirect{"", "", {"", "", MESH_PATH_KEEP, 0}, 0, 308};
    const mesh_action actions[] = {{MESH_ACTION_DIRECT_RESPONSE, 0, &direct},
                                   {MESH_ACTION_REDIRECT, 0, &redirect}};
    module.rules[0].actions = actions;
    module.rules[0].action_count = 2;
    EXPECT_EQ(checkModule(module.module),
              "rule 0 (test.mesh:3:5): a redirect besides a direct response: a rule holds at most "
              "one direct response, redirect or rewrite");
  }
  {
    TestModule module;
    const mesh_header_edit edits[] = {{"x-a", "1", 0, 0}};
    const mesh_header_edits list{edits, 1, 0};
    const mesh_action actions[] = {{MESH_ACTION_RESPONSE_HEADERS, 0, &list}};
    module.rules[1].actions = actions;
    module.rules[1].action_count = 1;
    EXPECT_EQ(checkModule(module.module),
              "rule 1 (test.mesh:4:5): response header edits: edit 0 has op 0, not a "
              "MESH_HEADER_* value");
  }
}

TEST(ModuleCheck, RefusesMirrorsToUnknownClustersAndOnRulesThatAnswer) {
  {
    TestModule module;
    const mesh_mirror list[] = {{1, 500}};
    const mesh_mirrors mirrors{list, 1, 0};
    const mesh_action actions[] = {{MESH_ACTION_MIRROR, 0, &mirrors}};
    module.rules[1].actions = actions;
    module.rules[1].action_count = 1;
    EXPECT_EQ(checkModule(module.module), "");
  }
  {
    TestModule module;
    const mesh_mirror list[] = {{2, 500}};
    const mesh_mirrors mirrors{list, 1, 0};
    const mesh_action actions[] = {{MESH_ACTION_MIRROR, 0, &mirrors}};
    module.rules[1].actions = actions;
    module.rules[1].action_count = 1;
    EXPECT_EQ(checkModule(module.module), "rule 1 (test.mesh:4:5) mirrors to cluster 2 of 2");
  }
  {
    TestModule module;
    const mesh_mirror list[] = {{1, 500}};
    const mesh_mirrors mirrors{list, 1, 0};
    const mesh_direct_response direct{"", 200, 0};
    const mesh_action actions[] = {{MESH_ACTION_MIRROR, 0, &mirrors},
                                   {MESH_ACTION_DIRECT_RESPONSE, 0, &direct}};
    module.rules[0].actions = actions;
    module.rules[0].action_count = 2;
    EXPECT_EQ(checkModule(module.module),
              "rule 0 (test.mesh:3:5) mirrors, but answers by itself: nothing is forwarded");
  }
}

TEST(ModuleCheck, RefusesRetriesOnRulesThatAnswer) {
  mesh_retry retry{};
  retry.attempts = 2;
  retry.conditions = MESH_RETRY_5XX;
  retry.backoff_base_ms = 25;
  retry.backoff_max_ms = 250;
  retry.budget = 2000;
  {
    TestModule module;
    const mesh_action actions[] = {{MESH_ACTION_RETRY, 0, &retry}};
    module.rules[1].actions = actions;
    module.rules[1].action_count = 1;
    EXPECT_EQ(checkModule(module.module), "");
  }
  {
    TestModule module;
    const mesh_direct_response direct{"", 200, 0};
    const mesh_action actions[] = {{MESH_ACTION_RETRY, 0, &retry},
                                   {MESH_ACTION_DIRECT_RESPONSE, 0, &direct}};
    module.rules[0].actions = actions;
    module.rules[0].action_count = 2;
    EXPECT_EQ(checkModule(module.module),
              "rule 0 (test.mesh:3:5) retries, but answers by itself: nothing is forwarded");
  }
}

}  // namespace
}  // namespace mesh
