#include <set>
#include <string>

#include "sema/Checks.h"
#include "support/Overloaded.h"

namespace meshc::sema {
namespace {

// The subsets a service's route sends requests to: targets and split entries with a share.
std::set<std::string> routedSubsets(const ast::Service& service) {
  std::set<std::string> routed;
  for (const ast::Route& route : service.routes) {
    for (const ast::RouteRule& rule : route.rules) {
      std::visit(Overloaded{
                     [&](const ast::SubsetTarget& t) { routed.insert(t.subset.name); },
                     [&](const ast::SplitTarget& split) {
                       for (const ast::SplitEntry& entry : split.entries) {
                         if (entry.weight.basisPoints > 0) routed.insert(entry.subset.name);
                       }
                     },
                     [](const ast::RedirectTarget&) {},
                     [](const ast::RespondTarget&) {},
                     [&](const ast::ExperimentTarget& target) {
                       for (const ast::Experiment& experiment : service.experiments) {
                         if (experiment.name.name != target.experiment.name) continue;
                         for (const ast::ExperimentVariant& variant : experiment.variants) {
                           if (variant.weight.basisPoints > 0) routed.insert(variant.subset.name);
                         }
                       }
                     },
                 },
                 rule.target);
    }
  }
  return routed;
}

// Every "service.subset" some rule mirrors to: a subset that takes copies is in use.
std::set<std::string> mirroredSubsets(const ast::Policy& policy) {
  std::set<std::string> mirrored;
  for (const ast::Service& service : policy.services) {
    for (const ast::Route& route : service.routes) {
      for (const ast::RouteRule& rule : route.rules) {
        for (const ast::RuleSetting& setting : rule.settings) {
          if (const auto* mirror = std::get_if<ast::MirrorSetting>(&setting)) {
            mirrored.insert(mirror->target.service.name + "." + mirror->target.subset.name);
          }
        }
      }
    }
  }
  return mirrored;
}

}  // namespace

void checkUsage(const ast::Policy& policy, Diagnostics& diagnostics) {
  const std::set<std::string> mirrored = mirroredSubsets(policy);
  std::set<std::string> used;
  for (const std::string& cluster : mirrored) used.insert(cluster.substr(0, cluster.find('.')));
  for (const ast::Workload& workload : policy.workloads) {
    for (const ast::Identifier& callee : workload.calls) used.insert(callee.name);
    for (const ast::Identifier& own : workload.services) used.insert(own.name);
  }
  for (const ast::Service& service : policy.services) {
    if (used.count(service.name.name) == 0) {
      diagnostics.warning(
          DiagnosticCode::UnusedService, service.name.loc,
          "service '" + service.name.name + "' is neither called nor served by any workload");
    }
    if (service.routes.empty()) continue;  // a single subset takes everything
    const std::set<std::string> routed = routedSubsets(service);
    for (const ast::Subset& subset : service.subsets) {
      if (routed.count(subset.name.name) > 0) continue;
      if (mirrored.count(service.name.name + "." + subset.name.name) > 0) continue;
      diagnostics.warning(DiagnosticCode::SubsetNeverRouted, subset.name.loc,
                          "no rule of service '" + service.name.name +
                              "' routes any request to subset '" + subset.name.name + "'");
    }
  }
}

}  // namespace meshc::sema
