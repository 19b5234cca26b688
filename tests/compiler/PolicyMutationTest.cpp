// "No crash, ever, on any input file": thousands of seeded mutations of the example policy
// (deleted, duplicated, swapped and random bytes) go through the whole front end. Each must end in
// either a checked policy that lowers, evaluates and formats (keeping its digest), or diagnostics
// that all carry a position.
// Under the ASan+UBSan build this also catches memory errors on malformed input.

#include <gtest/gtest.h>

#include <fstream>
#include <random>
#include <sstream>

#include "ast/Parser.h"
#include "compiler/PolicyFixture.h"
#include "format/Formatter.h"
#include "ir/Evaluator.h"
#include "ir/Verifier.h"
#include "lower/Lowering.h"

namespace meshc {
namespace {

std::string readExample() {
  std::ifstream in(MESHC_EXAMPLE_POLICY);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string mutate(std::string text, std::mt19937_64& random) {
  const int edits = 1 + static_cast<int>(random() % 4);
  for (int e = 0; e < edits && !text.empty(); ++e) {
    const size_t at = random() % text.size();
    const size_t span = 1 + random() % 12;
    switch (random() % 5) {
      case 0:
        text.erase(at, span);
        break;
      case 1:
        text.insert(at, text.substr(random() % text.size(), span));
        break;
      case 2:
        text[at] = static_cast<char>(random() % 256);
        break;
      case 3:
        text.insert(at, 1, "{}[];,\"%=>#/*"[random() % 13]);
        break;
      default:
        text = text.substr(0, at);
        break;
    }
  }
  return text;
}

TEST(PolicyMutation, FrontEndNeverCrashesAndAlwaysLocatesErrors) {
  const std::string example = readExample();
  ASSERT_FALSE(example.empty());
  std::mt19937_64 random(20261126);
  int accepted = 0;
  for (int i = 0; i < 3000; ++i) {
    const std::string text = mutate(example, random);
    const auto c = testing::check(text);
    if (c.hasTree && c.ok) {
      // Formatting keeps the digest, parses again and is a fixed point.
      const SourceFile source("m.mesh", text);
      const std::optional<std::string> formatted = format::formatPolicy(source);
      ASSERT_TRUE(formatted.has_value()) << text;
      const SourceFile again("m.mesh", *formatted);
      ASSERT_EQ(ast::normalizedSource(again), ast::normalizedSource(source)) << text;
      ASSERT_EQ(format::formatPolicy(again), formatted) << text;
    }
    if (c.ok) {
      ++accepted;
      for (const ir::Module& module : lower::lowerPolicy(c.policy, "sha256:test")) {
        ASSERT_EQ(ir::verify(module), std::vector<std::string>{}) << text;
        mesh_request request{};
        request.host = {module.services.empty() ? "" : module.services[0].name.data(),
                        module.services.empty() ? 0 : module.services[0].name.size()};
        mesh_route_decision decision{};
        const uint32_t status = ir::evaluateRoute(module, request, decision);
        ASSERT_LE(status, static_cast<uint32_t>(MESH_ROUTE_NO_RULE));
      }
      continue;
    }
    for (const Diagnostic& d : c.diagnostics.all()) {
      ASSERT_GT(d.loc.line, 0u) << "diagnostic without a position for input #" << i << ":\n"
                                << text << "\n" << c.rendered();
      ASSERT_FALSE(d.message.empty());
    }
  }
  // The mutations must not be so destructive that the accepting paths go untested.
  EXPECT_GT(accepted, 30);
}

}  // namespace
}  // namespace meshc
