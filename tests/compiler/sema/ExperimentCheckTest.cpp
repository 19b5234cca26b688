// A/B experiments in sema (sema/ExperimentCheck.cpp).

#include <gtest/gtest.h>

#include "compiler/PolicyFixture.h"

namespace meshc {
namespace {

using testing::check;

TEST(ExperimentCheck, AWellFormedExperimentIsAccepted) {
  const auto c = check(
      "mesh m { }\n"
      "service web { port 80; subset v1 {} subset v2 {}\n"
      "  experiment checkout { variant a 50% => v1; variant b 50% => v2;\n"
      "                        sticky principal; cookie \"exp\" 1h; }\n"
      "  route { when path prefix \"/c\" => experiment checkout { timeout 2s; }\n"
      "          otherwise => v1; }\n"
      "}\n"
      "workload w { service web; version v1; calls web; }\n");
  EXPECT_TRUE(c.ok) << c.rendered();
}

TEST(ExperimentCheck, VariantsNamesKeysAndCookies) {
  EXPECT_EQ(check("mesh m { }\n"
                  "service web { port 80; subset v1 {}\n"
                  "  experiment e { variant a 50% => v1; variant a 40% => v9; }\n"
                  "  experiment e { sticky header \"x user\"; sticky cookie \"s\";\n"
                  "                 cookie \"a;b\" 1500ms; }\n"
                  "  route { when path prefix \"/c\" => experiment f; otherwise => v1; }\n"
                  "}\n")
                .summary(),
            "3:14: error[E0316]: the variants of experiment 'e' weigh 90% in all; they must "
            "total exactly 100%\n"
            "3:47: error[E0212]: duplicate variant 'a' in experiment 'e'\n"
            "3:26: note: first declared here\n"
            "3:56: error[E0202]: unknown subset 'v9' of service 'web'; did you mean 'v1'?\n"
            "4:14: error[E0212]: duplicate experiment 'e' in service 'web'\n"
            "3:14: note: first declared here\n"
            "4:14: error[E0412]: experiment 'e' has no variants; add e.g. 'variant control 50% "
            "=> v1;'\n"
            "4:32: error[E0312]: invalid header name \"x user\"; header names are non-empty and "
            "use letters, digits and !#$%&'*+-.^_`|~\n"
            "4:42: error[E0406]: duplicate sticky key\n"
            "4:18: note: first sticky key is here\n"
            "5:25: error[E0326]: invalid cookie name \"a;b\"; cookie names are HTTP tokens: "
            "letters, digits and !#$%&'*+-.^_`|~\n"
            "5:31: error[E0326]: a cookie's max age is a whole number of seconds, at least 1s; "
            "1500ms is not\n"
            "6:47: error[E0211]: unknown experiment 'f' of service 'web'; known experiments: e\n");
}

TEST(ExperimentCheck, AnExperimentNoRuleRunsIsALint) {
  auto c = check(
      "mesh m { }\n"
      "service web { port 80; subset v1 {}\n"
      "  experiment idle { variant a 100% => v1; }\n"
      "}\n"
      "workload w { service web; version v1; }\n");
  ASSERT_TRUE(c.ok) << c.rendered();
  sema::lint(c.policy, c.diagnostics);
  EXPECT_EQ(c.summary(),
            "3:14: warning[W0405]: no rule of service 'web' runs experiment 'idle'; route to it "
            "with '=> experiment idle'\n");
}

}  // namespace
}  // namespace meshc
