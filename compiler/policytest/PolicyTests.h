#pragma once

#include <map>
#include <memory>
#include <optional>
#include <regex>
#include <string>
#include <vector>

#include "ast/Ast.h"
#include "ir/Policy.h"
#include "policytest/Outcome.h"
#include "support/SourceLoc.h"

namespace meshc::policytest {

struct TestResult {
  enum class Verdict { Pass, Fail };
  std::string name;  // the test's
  SourceLoc loc;     // the test's
  Verdict verdict = Verdict::Pass;
  std::vector<std::string> failures;  // "file:line:col: expected ...; actual ..." per expectation
  std::string actual;                 // what the sidecar decided, in words
  std::string decidingRule;           // "file:line:col" of the rule that matched, when one did
};

// Rules (and split branches) of the policy, and which tests reached them.
struct Coverage {
  struct Item {
    std::string what;  // "rule" or "split branch reviews.v3"
    SourceLoc loc;
    bool reached = false;
  };
  std::vector<Item> items;  // in source order

  size_t reachedCount() const;
  double percent() const;  // 100 when there is nothing to cover
};

// The tests of one checked policy, run against its workloads compiled in-process (ORC JIT), the
// same code `meshc compile` links into sidecars.
class PolicyTests {
 public:
  // `modules` are the lowered, verified modules of `policy`, one per workload.
  PolicyTests(const ast::Policy& policy, std::vector<ir::Module> modules);
  ~PolicyTests();

  // Runs every test whose name matches `filter` (all when empty). Throws DisagreementError when
  // the compiled code and the reference evaluator disagree.
  std::vector<TestResult> run(const std::optional<std::regex>& filter);

  // Over every run so far.
  Coverage coverage() const;

 private:
  struct Workload;
  Workload& workload(const std::string& name);
  TestResult runOne(const ast::TestCase& test);

  const ast::Policy& policy_;
  std::vector<ir::Module> modules_;
  std::map<std::string, std::unique_ptr<Workload>> compiled_;
  std::map<std::string, bool> reachedRules_;                             // by "file:line:col"
  std::map<std::pair<std::string, std::string>, bool> reachedBranches_;  // (rule, cluster)
};

}  // namespace meshc::policytest
