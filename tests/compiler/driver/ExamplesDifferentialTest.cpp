// The conformance check on real policies: every example, every workload, compiled by the JIT and
// as the object a sidecar links, run against the reference evaluator on 100,000 seeded random
// requests. A mismatch prints the
// request and both decisions.

#include <gtest/gtest.h>

#include <cctype>
#include <filesystem>

#include "RandomRequests.h"
#include "driver/Frontend.h"
#include "lower/Lowering.h"

namespace meshc {
namespace {

std::vector<std::string> examplePolicies() {
  std::vector<std::string> policies;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(MESHC_EXAMPLES_DIR)) {
    if (entry.path().extension() == ".mesh") policies.push_back(entry.path().string());
  }
  std::sort(policies.begin(), policies.end());
  return policies;
}

class ExamplePolicy : public ::testing::TestWithParam<std::string> {};

TEST_P(ExamplePolicy, CompiledRoutingMatchesTheEvaluator) {
  const driver::CheckedPolicy checked = driver::loadPolicy(GetParam());
  ASSERT_TRUE(checked.checked) << checked.diagnostics.render(checked.source);
  const auto modules = lower::lowerPolicy(checked.policy, checked.digest);
  ASSERT_FALSE(modules.empty());
  for (const ir::Module& module : modules) {
    const auto mismatch = codegen::testing::differentialCheck(module, 20261126, 100000);
    EXPECT_FALSE(mismatch.has_value()) << "workload " << module.workload << ": " << *mismatch;
  }
}

// GoogleTest takes only letters, digits and '_' in a test's name, and aborts test discovery on
// anything else: an example named gateway-matching.mesh is the test gateway_matching.
std::string testName(const std::string& policy) {
  std::string name = std::filesystem::path(policy).stem().string();
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

INSTANTIATE_TEST_SUITE_P(Examples, ExamplePolicy, ::testing::ValuesIn(examplePolicies()),
                         [](const auto& info) { return testName(info.param); });

}  // namespace
}  // namespace meshc
