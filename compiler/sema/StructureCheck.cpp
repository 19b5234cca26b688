#include <algorithm>

#include "sema/Checks.h"
#include "sema/RepeatedStatements.h"
#include "sema/RouteDefaults.h"

namespace meshc::sema {
namespace {

// `mtls MODE;` in the mesh or a service: once at most, and one of the modes abi.h knows.
void checkMtls(const std::vector<ast::Identifier>& modes, Diagnostics& diagnostics) {
  atMostOnce(modes, "mtls", diagnostics, [](const ast::Identifier& i) { return i.loc; });
  for (const ast::Identifier& mode : modes) {
    if (mode.name == "strict" || mode.name == "permissive" || mode.name == "disable") continue;
    diagnostics.error(
        DiagnosticCode::UnknownMtlsMode, mode.loc,
        "unknown mtls mode '" + mode.name + "'; it is one of strict, permissive or disable");
  }
}

// A route timeout is only a default for rules that forward and have no timeout of their own; when
// there are none, the author most likely expects it to apply somewhere.
void checkRouteTimeoutUsed(const ast::Route& route, Diagnostics& diagnostics) {
  if (route.timeouts.empty() || route.rules.empty()) return;
  if (std::any_of(route.rules.begin(), route.rules.end(), [](const ast::RouteRule& rule) {
        return forwards(rule) && ownTimeout(rule) == nullptr;
      })) {
    return;
  }
  const bool answers = !std::all_of(route.rules.begin(), route.rules.end(), forwards);
  diagnostics.warning(DiagnosticCode::UnusedRouteTimeout, route.timeouts[0].loc,
                      "route timeout " + route.timeouts[0].text +
                          " applies to no rule: every rule sets its own timeout" +
                          (answers ? " or answers without backends" : ""));
}

void checkService(const ast::Service& service, Diagnostics& diagnostics) {
  const std::string& name = service.name.name;
  if (service.ports.empty()) {
    diagnostics.error(DiagnosticCode::MissingPort, service.name.loc,
                      "service '" + name + "' has no port; add e.g. 'port 9080 http;'");
  }
  atMostOnce(service.namespaces, "namespace", diagnostics,
             [](const ast::Identifier& i) { return i.loc; });
  if (service.subsets.empty()) {
    diagnostics.error(DiagnosticCode::MissingSubset, service.name.loc,
                      "service '" + name +
                          "' has no subset; declare at least one, e.g. "
                          "'subset v1 { endpoints [\"127.0.0.1:9080\"]; }'");
  }
  atMostOnce(service.routes, "route block", diagnostics, [](const ast::Route& r) { return r.loc; });
  checkMtls(service.mtls, diagnostics);
  for (const ast::Route& route : service.routes) {
    atMostOnce(route.timeouts, "route timeout", diagnostics,
               [](const ast::Duration& d) { return d.loc; });
    checkRouteTimeoutUsed(route, diagnostics);
  }
  for (const ast::Subset& subset : service.subsets) {
    atMostOnce(subset.endpointLists, "endpoints list", diagnostics,
               [](const SourceLoc& l) { return l; });
  }
}

void checkWorkload(const ast::Workload& workload, Diagnostics& diagnostics) {
  const std::string& name = workload.name.name;
  if (workload.services.empty()) {
    diagnostics.error(DiagnosticCode::MissingWorkloadService, workload.name.loc,
                      "workload '" + name +
                          "' does not say which service it runs; add "
                          "'service NAME;'");
  }
  if (workload.versions.empty()) {
    diagnostics.error(DiagnosticCode::MissingWorkloadVersion, workload.name.loc,
                      "workload '" + name +
                          "' does not say which version (subset) it runs; "
                          "add 'version NAME;'");
  }
  atMostOnce(workload.services, "'service' statement", diagnostics,
             [](const ast::Identifier& i) { return i.loc; });
  atMostOnce(workload.versions, "'version' statement", diagnostics,
             [](const ast::Identifier& i) { return i.loc; });
  atMostOnce(workload.serviceAccounts, "'service_account' statement", diagnostics,
             [](const ast::Identifier& i) { return i.loc; });
}

}  // namespace

void checkStructure(const ast::Policy& policy, Diagnostics& diagnostics) {
  if (!policy.mesh) {
    diagnostics.error(DiagnosticCode::MissingMeshHeader, {policy.file, 1, 1},
                      "missing mesh header; a policy starts with e.g. 'mesh shop { trust_domain "
                      "\"shop.local\"; }'");
  } else {
    atMostOnce(policy.mesh->trustDomains, "trust_domain", diagnostics,
               [](const ast::StringLiteral& s) { return s.loc; });
    atMostOnce(policy.mesh->mergeSlashes, "merge_slashes", diagnostics,
               [](const SourceLoc& loc) { return loc; });
    atMostOnce(policy.mesh->encodedSlashes, "encoded_slashes", diagnostics,
               [](const ast::Identifier& i) { return i.loc; });
    atMostOnce(policy.mesh->namespaces, "namespace", diagnostics,
               [](const ast::Identifier& i) { return i.loc; });
    atMostOnce(policy.mesh->clusterDomains, "cluster_domain", diagnostics,
               [](const ast::StringLiteral& s) { return s.loc; });
    for (const ast::Identifier& action : policy.mesh->encodedSlashes) {
      if (action.name == "keep" || action.name == "decode" || action.name == "reject") continue;
      diagnostics.error(DiagnosticCode::UnknownEncodedSlashesAction, action.loc,
                        "unknown encoded_slashes action '" + action.name +
                            "'; it is one of keep, decode or reject");
    }
    checkMtls(policy.mesh->mtls, diagnostics);
  }
  for (const ast::Service& service : policy.services) checkService(service, diagnostics);
  for (const ast::Workload& workload : policy.workloads) checkWorkload(workload, diagnostics);
}

}  // namespace meshc::sema
