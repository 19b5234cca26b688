#include <map>

#include "sema/Checks.h"
#include "support/Overloaded.h"

namespace meshc::sema {
namespace {

// Reports every name seen before, pointing back at its first declaration.
class UniqueNames {
 public:
  UniqueNames(DiagnosticCode code, std::string kind, Diagnostics& diagnostics)
      : code_(code), kind_(std::move(kind)), diagnostics_(diagnostics) {}

  void add(const ast::Identifier& name) {
    const auto [it, inserted] = first_.emplace(name.name, name.loc);
    if (inserted) return;
    diagnostics_.error(code_, name.loc, "duplicate " + kind_ + " '" + name.name + "'");
    diagnostics_.note(it->second, "first declared here");
  }

 private:
  DiagnosticCode code_;
  std::string kind_;
  Diagnostics& diagnostics_;
  std::map<std::string, SourceLoc> first_;
};

}  // namespace

void checkDuplicates(const ast::Policy& policy, Diagnostics& diagnostics) {
  UniqueNames services(DiagnosticCode::DuplicateService, "service", diagnostics);
  for (const ast::Service& service : policy.services) {
    services.add(service.name);
    UniqueNames subsets(DiagnosticCode::DuplicateSubset,
                        "subset in service '" + service.name.name + "'", diagnostics);
    for (const ast::Subset& subset : service.subsets) subsets.add(subset.name);
    for (const ast::Route& route : service.routes) {
      for (const ast::RouteRule& rule : route.rules) {
        std::visit(Overloaded{
                       [](const ast::SubsetTarget&) {},
                       [&](const ast::SplitTarget& split) {
                         UniqueNames targets(DiagnosticCode::DuplicateSplitTarget, "split target",
                                             diagnostics);
                         for (const ast::SplitEntry& entry : split.entries) {
                           targets.add(entry.subset);
                         }
                       },
                       [](const ast::RedirectTarget&) {},
                       [](const ast::RespondTarget&) {},
                       [](const ast::ExperimentTarget&) {},
                   },
                   rule.target);
        // Compared as written: a miscased service name is reported where it is declared.
        std::map<std::string, SourceLoc> mirrored;
        for (const ast::RuleSetting& setting : rule.settings) {
          const auto* mirror = std::get_if<ast::MirrorSetting>(&setting);
          if (mirror == nullptr) continue;
          const std::string name = mirror->target.service.name + "." + mirror->target.subset.name;
          const auto [it, inserted] = mirrored.emplace(name, mirror->loc);
          if (inserted) continue;
          diagnostics.error(DiagnosticCode::DuplicateMirrorTarget, mirror->loc,
                            "the rule already mirrors to " + name + "; one copy per subset");
          diagnostics.note(it->second, "the first mirror is here");
        }
      }
    }
  }
  UniqueNames workloads(DiagnosticCode::DuplicateWorkload, "workload", diagnostics);
  for (const ast::Workload& workload : policy.workloads) {
    workloads.add(workload.name);
    UniqueNames callees(DiagnosticCode::DuplicateCallee,
                        "callee of workload '" + workload.name.name + "'", diagnostics);
    for (const ast::Identifier& callee : workload.calls) callees.add(callee);
  }
}

}  // namespace meshc::sema
