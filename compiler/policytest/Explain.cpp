#include "policytest/Explain.h"

#include "ir/Evaluator.h"
#include "ir/Printer.h"
#include "support/Overloaded.h"
#include "support/Text.h"

namespace meshc::policytest {
namespace {

std::string view(const mesh_str& s) { return {s.data, static_cast<size_t>(s.len)}; }

std::string headerSeen(const mesh_request& request, const std::string& name) {
  for (uint64_t i = 0; i < request.header_count; ++i) {
    if (view(request.headers[i].name) == name) {
      return "header " + quoted(name) + " is " + quoted(view(request.headers[i].value));
    }
  }
  return "header " + quoted(name) + " is absent";
}

std::string seen(const ir::Predicate& predicate, const mesh_request& request) {
  const std::string path = "path is " + quoted(view(request.path));
  return std::visit(
      Overloaded{
          [&](const ir::PathExact&) { return path; },
          [&](const ir::PathPrefix&) { return path; },
          [&](const ir::MethodIs&) { return "method is " + quoted(view(request.method)); },
          [&](const ir::HeaderEquals& p) { return headerSeen(request, p.name); },
          [&](const ir::HeaderPrefix& p) { return headerSeen(request, p.name); },
          [&](const ir::HeaderPresent& p) { return headerSeen(request, p.name); },
      },
      predicate.kind);
}

}  // namespace

Explanation explain(const ir::Module& policy, const mesh_module& compiled,
                    const mesh::RuleTable& rules, mesh_request& request) {
  Explanation explanation;
  explanation.host = view(request.host);
  explanation.service = ir::findService(policy, request);
  if (explanation.service >= 0) {
    const ir::Service& service = policy.services[static_cast<size_t>(explanation.service)];
    for (uint32_t r = 0; r < service.rules.size(); ++r) {
      RuleTrace trace;
      trace.index = r;
      trace.loc = service.rules[r].loc;
      trace.matched = true;
      for (const ir::Predicate& predicate : service.rules[r].conditions) {
        const bool holds = ir::predicateHolds(predicate, request);
        trace.conditions.push_back({ir::describe(predicate), holds, seen(predicate, request)});
        trace.matched = trace.matched && holds;
      }
      explanation.rules.push_back(std::move(trace));
      if (explanation.rules.back().matched) {
        explanation.rulesNotTried = service.rules.size() - r - 1;
        break;
      }
    }
  }
  const uint64_t seed = request.seed;
  mesh_route_decision own{};
  const uint32_t ownStatus = compiled.route(&request, &own);
  explanation.outcome = decide(policy, compiled, rules, request);
  request.seed = seed;
  if (ownStatus == MESH_ROUTE_MATCHED) explanation.drawnCluster = own.cluster;
  explanation.destination = describeDestination(policy, request, explanation.outcome);
  return explanation;
}

}  // namespace meshc::policytest
