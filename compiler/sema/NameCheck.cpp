#include "sema/Checks.h"
#include "support/Overloaded.h"
#include "support/Suggest.h"
#include "support/Text.h"

namespace meshc::sema {
namespace {

void checkSubsetName(const ast::Service& service, const ast::Identifier& subset,
                     Diagnostics& diagnostics) {
  if (SymbolTable::subset(service, subset.name) != nullptr) return;
  diagnostics.error(DiagnosticCode::UnknownSubset, subset.loc,
                    "unknown subset '" + subset.name + "' of service '" + service.name.name +
                        "'; " +
                        suggestion(subset.name, SymbolTable::subsetNames(service), "subsets"));
}

// A reference in lower case to a service declared with upper-case letters: the declaration is
// the mistake and is reported there (E0315), so the reference resolves to it silently instead of
// suggesting the wrongly-cased name.
const ast::Service* miscasedDeclaration(const ast::Identifier& name, const SymbolTable& symbols) {
  if (toLowerAscii(name.name) != name.name) return nullptr;
  for (const std::string& declared : symbols.serviceNames()) {
    if (declared != name.name && toLowerAscii(declared) == name.name) {
      return symbols.service(declared);
    }
  }
  return nullptr;
}

const ast::Service* resolveService(const ast::Identifier& name, const SymbolTable& symbols,
                                   Diagnostics& diagnostics) {
  if (const ast::Service* service = symbols.service(name.name)) return service;
  if (const ast::Service* service = miscasedDeclaration(name, symbols)) return service;
  diagnostics.error(DiagnosticCode::UnknownService, name.loc,
                    "unknown service '" + name.name + "'; " +
                        suggestion(name.name, symbols.serviceNames(), "services"));
  return nullptr;
}

// A mirror names a subset of any service, called by the workload or not.
void checkMirrorTargets(const ast::RouteRule& rule, const SymbolTable& symbols,
                        Diagnostics& diagnostics) {
  for (const ast::RuleSetting& setting : rule.settings) {
    const auto* mirror = std::get_if<ast::MirrorSetting>(&setting);
    if (mirror == nullptr) continue;
    const ast::Service* service = resolveService(mirror->target.service, symbols, diagnostics);
    if (service != nullptr) checkSubsetName(*service, mirror->target.subset, diagnostics);
  }
}

}  // namespace

void checkNames(const ast::Policy& policy, const SymbolTable& symbols, Diagnostics& diagnostics) {
  for (const ast::Service& service : policy.services) {
    for (const ast::Route& route : service.routes) {
      for (const ast::RouteRule& rule : route.rules) {
        std::visit(Overloaded{
                       [&](const ast::SubsetTarget& subset) {
                         checkSubsetName(service, subset.subset, diagnostics);
                       },
                       [&](const ast::SplitTarget& split) {
                         for (const auto& entry : split.entries) {
                           checkSubsetName(service, entry.subset, diagnostics);
                         }
                       },
                       [](const ast::RedirectTarget&) {}, [](const ast::RespondTarget&) {},
                       [](const ast::ExperimentTarget&) {},  // ExperimentCheck
                   },
                   rule.target);
        checkMirrorTargets(rule, symbols, diagnostics);
      }
    }
  }
  for (const ast::Workload& workload : policy.workloads) {
    const ast::Service* own = nullptr;
    if (!workload.services.empty())
      own = resolveService(workload.services[0], symbols, diagnostics);
    if (own != nullptr && !workload.versions.empty()) {
      checkSubsetName(*own, workload.versions[0], diagnostics);
    }
    for (const ast::Identifier& callee : workload.calls) {
      const ast::Service* service = resolveService(callee, symbols, diagnostics);
      // Without a route the sidecar could not choose among several subsets.
      if (service != nullptr && service->routes.empty() && service->subsets.size() > 1) {
        diagnostics.error(DiagnosticCode::CalleeWithoutRoute, callee.loc,
                          "workload '" + workload.name.name + "' calls service '" + callee.name +
                              "', which has " + std::to_string(service->subsets.size()) +
                              " subsets but no route to choose among them");
        diagnostics.note(service->name.loc, "add a 'route { ... }' block to this service");
      }
    }
  }
}

}  // namespace meshc::sema
