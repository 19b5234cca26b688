#include <gtest/gtest.h>

#include "compiler/PolicyFixture.h"
#include "sema/Sema.h"

namespace meshc {
namespace {

using testing::check;
using testing::kMeshHeader;

std::string lintSummary(const std::string& text) {
  auto c = check(text);
  EXPECT_TRUE(c.ok) << c.rendered();
  sema::lint(c.policy, c.diagnostics);
  return c.summary();
}

TEST(Lint, SubsetsNothingRoutesToAndServicesNothingUses) {
  EXPECT_EQ(
      lintSummary(std::string(kMeshHeader) +
                  "service r {\n"
                  "  port 80;\n"
                  "  subset v1 { endpoints []; }\n"
                  "  subset v2 { endpoints []; }\n"
                  "  subset v3 { endpoints []; }\n"
                  "  route { when method GET => v2; otherwise => split { v1 100%, v3 0% }; }\n"
                  "}\n"
                  "service legacy { port 80; subset v1 { endpoints []; } }\n"
                  "service front { port 80; subset v1 { endpoints []; } }\n"
                  "workload f { service front; version v1; calls r; }\n"),
      "6:10: warning[W0402]: no rule of service 'r' routes any request to subset 'v3'\n"
      "9:9: warning[W0403]: service 'legacy' is neither called nor served by any workload\n");
}

TEST(Lint, AServedAndCalledSingleSubsetServiceHasNoWarnings) {
  const auto c = check(std::string(kMeshHeader) +
                       "service r { port 80; subset v1 { endpoints []; } }\n"
                       "workload w { service r; version v1; calls r; }\n");
  Diagnostics diagnostics;
  sema::lint(c.policy, diagnostics);
  EXPECT_EQ(diagnostics.warningCount(), 0u);
}

TEST(Lint, RepeatedAndImpliedConditionsAreWarnings) {
  const auto c = check(std::string(kMeshHeader) +
                       "service r { port 80; subset v1 { endpoints []; }\n"
                       "  route {\n"
                       "    when path prefix \"/a\" and path prefix \"/a/b\" => v1;\n"
                       "    when method GET and method GET => v1;\n"
                       "    otherwise => v1;\n"
                       "  }\n"
                       "}\n");
  EXPECT_TRUE(c.ok) << c.rendered();
  EXPECT_EQ(c.summary(),
            "4:10: warning[W0501]: condition 'path prefix \"/a\"' is redundant: 'path prefix "
            "\"/a/b\"' already implies it\n"
            "4:31: note: the stronger condition is here\n"
            "5:25: warning[W0501]: condition 'method GET' is repeated\n"
            "5:10: note: the first is here\n");
}

}  // namespace
}  // namespace meshc
