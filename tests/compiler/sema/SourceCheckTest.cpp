// `source` conditions and workload labels (sema/SourceCheck.cpp).

#include <gtest/gtest.h>

#include "compiler/PolicyFixture.h"

namespace meshc {
namespace {

using testing::check;

TEST(SourceCheck, SourceConditionsNameDeclaredWorkloadsAndValidLabels) {
  EXPECT_EQ(
      check("mesh m { }\n"
            "service web { port 80; subset v1 {} subset v2 {}\n"
            "  route {\n"
            "    when source workload fronted => v2;\n"
            "    when source label \"team name\" == \"x\" => v2;\n"
            "    when source principal matches \"spiffe://(\" => v2;\n"
            "    otherwise => v1;\n"
            "  }\n"
            "}\n"
            "workload frontend { service web; version v1; calls web; }\n")
          .summary(),
      "4:26: error[E0208]: unknown workload 'fronted'; did you mean 'frontend'?\n"
      "5:23: error[E0324]: label name \"team name\" is not a Kubernetes label name: an "
      "optional DNS prefix and '/', then at most 63 letters, digits, '-', '_' or '.', "
      "starting and ending with a letter or digit\n"
      "6:35: error[E0317]: invalid regex \"spiffe://(\": missing ): spiffe://( (RE2 syntax: no "
      "backreferences or lookaround)\n");
}

TEST(SourceCheck, WorkloadLabels) {
  EXPECT_EQ(
      check("mesh m { }\n"
            "service web { port 80; subset v1 {} }\n"
            "workload w {\n"
            "  service web; version v1;\n"
            "  label \"team\" = \"web\"; label \"example.com/tier\" = \"\";\n"
            "  label \"team\" = \"web2\"; label \"version\" = \"v2\"; label \"x\" = \"-bad\";\n"
            "  service_account a; service_account b;\n"
            "}\n")
          .summary(),
      "6:9: error[E0406]: duplicate label \"team\"\n"
      "5:9: note: first label \"team\" is here\n"
      "6:32: error[E0325]: label \"version\" is the workload's version, which meshc sets "
      "itself from 'version NAME;'\n"
      "6:62: error[E0324]: label value \"-bad\" is not a Kubernetes label value: empty, or "
      "at most 63 letters, digits, '-', '_' or '.', starting and ending with a letter or "
      "digit\n"
      "7:38: error[E0406]: duplicate 'service_account' statement\n"
      "7:19: note: first 'service_account' statement is here\n");
}

TEST(SourceCheck, ARuleNoCallerMeetsIsALint) {
  auto c = check(
      "mesh m { }\n"
      "service web { port 80; subset v1 {} subset v2 {}\n"
      "  route {\n"
      "    when source label \"team\" == \"payments\" => v2;\n"
      "    when source workload other and path prefix \"/a\" => v2;\n"
      "    when (source workload front and not source principal prefix \"spiffe://x\")"
      " or source workload other => v2;\n"
      "    otherwise => v1;\n"
      "  }\n"
      "}\n"
      "workload front { service web; version v1; calls web; label \"team\" = \"web\"; }\n"
      "workload other { service web; version v2; }\n");
  ASSERT_TRUE(c.ok) << c.rendered();
  sema::lint(c.policy, c.diagnostics);
  EXPECT_EQ(c.summary(),
            "4:5: warning[W0404]: no workload that calls service 'web' meets this rule's source "
            "conditions, so it applies to no request; its callers are front\n"
            "5:5: warning[W0404]: no workload that calls service 'web' meets this rule's source "
            "conditions, so it applies to no request; its callers are front\n");
}

TEST(SourceCheck, SourceConditionsTakePartInShadowing) {
  EXPECT_EQ(check("mesh m { }\n"
                  "service web { port 80; subset v1 {} subset v2 {}\n"
                  "  route {\n"
                  "    when source workload front => v2;\n"
                  "    when source workload front and port 80 => v1;\n"
                  "    when source workload back => v1;\n"
                  "    otherwise => v1;\n"
                  "  }\n"
                  "}\n"
                  "workload front { service web; version v1; calls web; }\n"
                  "workload back { service web; version v2; calls web; }\n")
                .summary(),
            "5:5: error[E0503]: rule can never match: every request it matches is taken by an "
            "earlier rule (rules are tried in order)\n"
            "4:5: note: the earlier rule is here\n");
}

// A caller every rule excludes would get 404 for all it sends; an `otherwise` or a rule without
// source conditions keeps a caller routed.
TEST(SourceCheck, ACallerEveryRuleExcludesIsALint) {
  auto c = testing::check(
      "mesh m { }\n"
      "service api { port 80; subset v1 {}\n"
      "  route { when source workload web-v1 => v1; when source label \"tier\" == \"x\" => v1; }\n"
      "}\n"
      "service web { port 80; subset v1 {} route { when source workload web-v1 => v1; otherwise => "
      "v1; } }\n"
      "workload web-v1 { service web; version v1; calls api, web; }\n"
      "workload batch-v1 { service web; version v1; calls web, api; }\n");
  ASSERT_TRUE(c.ok) << c.rendered();
  sema::lint(c.policy, c.diagnostics);
  EXPECT_EQ(c.summary(),
            "3:46: warning[W0404]: no workload that calls service 'api' meets this rule's source "
            "conditions, so it applies to no request; its callers are web-v1, batch-v1\n"
            "7:57: warning[W0407]: workload 'batch-v1' calls service 'api', but the source "
            "conditions of every rule of its route exclude it: each of its requests would get "
            "404\n");
}

}  // namespace
}  // namespace meshc
