#include "sema/Sema.h"

#include "sema/Checks.h"
#include "sema/SymbolTable.h"

namespace meshc::sema {

bool check(const ast::Policy& policy, Diagnostics& diagnostics) {
  const size_t errorsBefore = diagnostics.errorCount();
  const SymbolTable symbols(policy);
  checkStructure(policy, diagnostics);
  checkDuplicates(policy, diagnostics);
  checkNames(policy, symbols, diagnostics);
  checkLiterals(policy, diagnostics);
  checkAddresses(policy, diagnostics);
  checkSources(policy, symbols, diagnostics);
  checkExperiments(policy, diagnostics);
  checkCors(policy, diagnostics);
  checkRetries(policy, diagnostics);
  checkSplitWeights(policy, diagnostics);
  checkRuleSettings(policy, diagnostics);
  checkReachability(policy, diagnostics);
  checkTests(policy, symbols, diagnostics);
  return diagnostics.errorCount() == errorsBefore;
}

void lint(const ast::Policy& policy, Diagnostics& diagnostics) {
  checkUsage(policy, diagnostics);
  lintSources(policy, diagnostics);
  lintExperiments(policy, diagnostics);
  lintCors(policy, diagnostics);
  lintRetries(policy, diagnostics);
  checkNormalForms(policy, diagnostics);
}

}  // namespace meshc::sema
