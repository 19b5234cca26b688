// `source` conditions and what they test: the workloads they name exist, the labels workloads
// declare are labels Kubernetes would accept, and (a lint) a rule's source conditions leave it
// some workload that calls its service.

#include <algorithm>
#include <map>

#include "sema/Checks.h"
#include "sema/WorkloadIdentity.h"
#include "support/Overloaded.h"
#include "support/Suggest.h"
#include "support/Text.h"

namespace meshc::sema {
namespace {

bool isLabelChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '-' || c == '_' || c == '.';
}

// A label name's last part, or a label value: at most 63 characters, alphanumeric at both ends,
// '-', '_' and '.' between.
bool isLabelWord(const std::string& text) {
  return !text.empty() && text.size() <= 63 &&
         std::isalnum(static_cast<unsigned char>(text.front())) != 0 &&
         std::isalnum(static_cast<unsigned char>(text.back())) != 0 &&
         std::all_of(text.begin(), text.end(), isLabelChar);
}

// Kubernetes label keys: an optional DNS-name prefix and '/', then a label word.
bool isLabelName(const std::string& name) {
  const size_t slash = name.find('/');
  if (slash == std::string::npos) return isLabelWord(name);
  const std::string prefix = name.substr(0, slash);
  return prefix.size() <= 253 && isDnsName(prefix) && isLabelWord(name.substr(slash + 1));
}

void checkLabelName(const ast::StringLiteral& name, Diagnostics& diagnostics) {
  if (isLabelName(name.value)) return;
  diagnostics.error(DiagnosticCode::MalformedLabel, name.loc,
                    "label name " + quoted(name.value) +
                        " is not a Kubernetes label name: an optional DNS prefix and '/', then "
                        "at most 63 letters, digits, '-', '_' or '.', starting and ending with a "
                        "letter or digit");
}

void checkWorkloadLabels(const ast::Workload& workload, Diagnostics& diagnostics) {
  std::map<std::string, SourceLoc> first;
  for (const ast::WorkloadLabel& label : workload.labels) {
    checkLabelName(label.name, diagnostics);
    if (!label.value.value.empty() && !isLabelWord(label.value.value)) {
      diagnostics.error(DiagnosticCode::MalformedLabel, label.value.loc,
                        "label value " + quoted(label.value.value) +
                            " is not a Kubernetes label value: empty, or at most 63 letters, "
                            "digits, '-', '_' or '.', starting and ending with a letter or digit");
    }
    if (label.name.value == "app" || label.name.value == "version") {
      diagnostics.error(DiagnosticCode::ReservedLabel, label.name.loc,
                        "label " + quoted(label.name.value) + " is the workload's " +
                            (label.name.value == "app" ? "service" : "version") +
                            ", which meshc sets itself from '" +
                            (label.name.value == "app" ? "service" : "version") + " NAME;'");
      continue;
    }
    const auto [it, inserted] = first.emplace(label.name.value, label.name.loc);
    if (inserted) continue;
    diagnostics.error(DiagnosticCode::RepeatedStatement, label.name.loc,
                      "duplicate label " + quoted(label.name.value));
    diagnostics.note(it->second, "first label " + quoted(label.name.value) + " is here");
  }
}

void checkCondition(const ast::Condition& condition, const SymbolTable& symbols,
                    Diagnostics& diagnostics) {
  std::visit(
      Overloaded{
          [](const ast::PathMatch&) {},
          [](const ast::MethodMatch&) {},
          [](const ast::HeaderMatch&) {},
          [](const ast::QueryMatch&) {},
          [](const ast::PortMatch&) {},
          [&](const ast::SourceWorkloadMatch& source) {
            const ast::Identifier& name = source.workload;
            if (symbols.workload(name.name) != nullptr) return;
            diagnostics.error(DiagnosticCode::UnknownWorkload, name.loc,
                              "unknown workload '" + name.name + "'; " +
                                  suggestion(name.name, symbols.workloadNames(), "workloads"));
          },
          [&](const ast::SourceLabelMatch& label) { checkLabelName(label.name, diagnostics); },
          [](const ast::SourcePrincipalMatch&) {},
      },
      condition.match);
}

bool hasSourceCondition(const ast::RouteRule& rule) {
  return std::any_of(rule.groups.begin(), rule.groups.end(), [](const ast::ConditionGroup& g) {
    return std::any_of(g.conditions.begin(), g.conditions.end(), [](const ast::Condition& c) {
      return sourceConditionHolds(c, WorkloadIdentity{}).has_value();
    });
  });
}

// Whether some group of the rule is left to the caller once its source conditions are decided.
bool appliesTo(const ast::RouteRule& rule, const WorkloadIdentity& caller) {
  if (rule.otherwise) return true;
  return std::any_of(rule.groups.begin(), rule.groups.end(), [&](const ast::ConditionGroup& g) {
    return std::all_of(g.conditions.begin(), g.conditions.end(), [&](const ast::Condition& c) {
      return sourceConditionHolds(c, caller).value_or(true);
    });
  });
}

}  // namespace

void checkSources(const ast::Policy& policy, const SymbolTable& symbols, Diagnostics& diagnostics) {
  for (const ast::Workload& workload : policy.workloads) checkWorkloadLabels(workload, diagnostics);
  for (const ast::Service& service : policy.services) {
    for (const ast::Route& route : service.routes) {
      for (const ast::RouteRule& rule : route.rules) {
        for (const ast::ConditionGroup& group : rule.groups) {
          for (const ast::Condition& condition : group.conditions) {
            checkCondition(condition, symbols, diagnostics);
          }
        }
      }
    }
  }
}

void lintSources(const ast::Policy& policy, Diagnostics& diagnostics) {
  const SymbolTable symbols(policy);
  for (const ast::Service& service : policy.services) {
    std::vector<WorkloadIdentity> callers;
    std::vector<const ast::Identifier*> calls;  // each caller's `calls` entry for the service
    std::string names;
    for (const ast::Workload& workload : policy.workloads) {
      const auto call =
          std::find_if(workload.calls.begin(), workload.calls.end(),
                       [&](const ast::Identifier& c) { return c.name == service.name.name; });
      if (call == workload.calls.end()) continue;
      const ast::Service* own =
          workload.services.empty() ? nullptr : symbols.service(workload.services[0].name);
      callers.push_back(identityOf(policy, workload, own));
      calls.push_back(&*call);
      names += (names.empty() ? "" : ", ") + workload.name.name;
    }
    if (callers.empty()) continue;  // nothing calls the service: W0403's concern
    for (const ast::Route& route : service.routes) {
      for (const ast::RouteRule& rule : route.rules) {
        if (!hasSourceCondition(rule)) continue;
        const bool applies = std::any_of(callers.begin(), callers.end(),
                                         [&](const auto& c) { return appliesTo(rule, c); });
        if (applies) continue;
        diagnostics.warning(DiagnosticCode::NoCallerMatches, rule.loc,
                            "no workload that calls service '" + service.name.name +
                                "' meets this rule's source conditions, so it applies to no "
                                "request; its callers are " +
                                names);
      }
    }
    // A caller every rule excludes gets 404 for each request it sends the service.
    if (service.routes.empty() || service.routes[0].rules.empty()) continue;
    const std::vector<ast::RouteRule>& rules = service.routes[0].rules;
    for (size_t c = 0; c < callers.size(); ++c) {
      const bool routed = std::any_of(rules.begin(), rules.end(), [&](const auto& rule) {
        return appliesTo(rule, callers[c]);
      });
      if (routed) continue;
      diagnostics.warning(DiagnosticCode::CalleeNeverRouted, calls[c]->loc,
                          "workload '" + callers[c].name + "' calls service '" + service.name.name +
                              "', but the source conditions of every rule of its route exclude "
                              "it: each of its requests would get 404");
    }
  }
}

}  // namespace meshc::sema
