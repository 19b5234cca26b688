#include "policytest/Explain.h"

#include "ir/Evaluator.h"
#include "ir/Printer.h"
#include "support/Overloaded.h"
#include "support/Text.h"

namespace meshc::policytest {
namespace {

std::string view(const mesh_str& s) { return {s.data, static_cast<size_t>(s.len)}; }

std::string entrySeen(const char* what, const mesh_header* entries, uint64_t count,
                      const std::string& name) {
  for (uint64_t i = 0; i < count; ++i) {
    if (view(entries[i].name) == name) {
      return std::string(what) + " " + quoted(name) + " is " + quoted(view(entries[i].value));
    }
  }
  return std::string(what) + " " + quoted(name) + " is absent";
}

std::string seen(const ir::Predicate& predicate, const ir::Service& service,
                 const mesh_request& request) {
  return std::visit(
      Overloaded{
          [&](const ir::RequestPath&) { return "path is " + quoted(view(request.path)); },
          [&](const ir::RequestMethod&) { return "method is " + quoted(view(request.method)); },
          [&](const ir::HeaderValue& h) {
            return entrySeen("header", request.headers, request.header_count, h.name);
          },
          [&](const ir::QueryValue& q) {
            return entrySeen("query", request.query_params, request.query_param_count, q.name);
          },
          [&](const ir::DestinationPort&) {
            return request.port != 0
                       ? "port is " + std::to_string(request.port)
                       : "no port given: the main port " + std::to_string(service.ports.at(0));
          },
      },
      predicate.subject);
}

}  // namespace

Explanation explain(const ir::Module& policy, const mesh_module& compiled,
                    const mesh::RuleTable& rules, mesh_request& request) {
  Explanation explanation;
  explanation.host = view(request.host);
  explanation.port = request.port;
  explanation.service = ir::findService(policy, request);
  if (explanation.service >= 0) {
    const ir::Service& service = policy.services[static_cast<size_t>(explanation.service)];
    for (uint32_t r = 0; r < service.rules.size(); ++r) {
      RuleTrace trace;
      trace.index = r;
      trace.loc = service.rules[r].loc;
      for (const ir::Conjunction& conjunction : service.rules[r].anyOf) {
        GroupTrace group;
        group.holds = true;
        for (const ir::Predicate& predicate : conjunction) {
          const bool holds = ir::predicateHolds(predicate, service, request);
          group.conditions.push_back(
              {ir::describe(policy, predicate), holds, seen(predicate, service, request)});
          group.holds = group.holds && holds;
        }
        trace.matched = trace.matched || group.holds;
        trace.groups.push_back(std::move(group));
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
  if (explanation.outcome.kind == Outcome::Kind::Routed) {
    const std::vector<mesh::Mirror>& mirrors = explanation.outcome.settings.mirrors;
    for (uint32_t i = 0; i < mirrors.size(); ++i) {
      if (mesh::mirrorTaken(seed, i, mirrors[i].weight)) {
        explanation.drawnMirrors.push_back(mirrors[i].cluster);
      }
    }
    if (explanation.drawnMirrors !=
        ir::mirroredClusters(*ir::ruleAt(policy, explanation.outcome.rule), seed)) {
      throw DisagreementError(
          "internal error: the sidecar's mirror draw and the reference evaluator's differ");
    }
  }
  explanation.destination = describeDestination(policy, request, explanation.outcome);
  return explanation;
}

}  // namespace meshc::policytest
