#include "sema/Checks.h"
#include "support/Overloaded.h"
#include "support/Text.h"

namespace meshc::sema {
namespace {

void checkSplit(const ast::SplitTarget& split, Diagnostics& diagnostics) {
  uint64_t total = 0;
  bool malformed = false;
  for (const ast::SplitEntry& entry : split.entries) {
    total += entry.weight.basisPoints;
    malformed = malformed || entry.weight.malformed;
  }
  if (malformed) return;  // already reported where the bad percentage is
  if (total != 10000) {
    diagnostics.error(
        DiagnosticCode::SplitWeightsTotal, split.loc,
        "split weights total " + formatPercent(total) + "; they must total exactly 100%");
  }
}

}  // namespace

void checkSplitWeights(const ast::Policy& policy, Diagnostics& diagnostics) {
  for (const ast::Service& service : policy.services) {
    for (const ast::Route& route : service.routes) {
      for (const ast::RouteRule& rule : route.rules) {
        std::visit(Overloaded{
                       [](const ast::SubsetTarget&) {},
                       [&](const ast::SplitTarget& split) { checkSplit(split, diagnostics); },
                       [](const ast::RedirectTarget&) {}, [](const ast::RespondTarget&) {},
                       [](const ast::ExperimentTarget&) {},  // ExperimentCheck
                   },
                   rule.target);
      }
    }
  }
}

}  // namespace meshc::sema
