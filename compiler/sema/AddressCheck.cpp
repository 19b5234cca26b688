// How requests find a service: its namespace and the mesh's cluster domain (which name its DNS
// hosts), its extra `hosts`, its ports, and the `port` conditions of its route. Two services
// answering to one host would leave route() to pick one silently, so that is an error.

#include <algorithm>
#include <map>
#include <set>

#include "sema/Checks.h"
#include "sema/ServiceHosts.h"
#include "support/Overloaded.h"
#include "support/Text.h"

namespace meshc::sema {
namespace {

// Kubernetes namespaces and service accounts are DNS labels (RFC 1123): lower-case letters,
// digits and '-', at most 63, starting and ending with a letter or digit.
void checkDnsLabel(const ast::Identifier& name, const char* what, Diagnostics& diagnostics) {
  const std::string& text = name.name;
  const bool valid = !text.empty() && text.size() <= 63 && text.front() != '-' &&
                     text.back() != '-' && std::all_of(text.begin(), text.end(), [](char c) {
                       return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
                     });
  if (valid) return;
  diagnostics.error(DiagnosticCode::MalformedNamespace, name.loc,
                    std::string(what) + " '" + text +
                        "' is not a DNS label: lower-case letters, digits and '-', at most 63, "
                        "starting and ending with a letter or digit");
}

void checkExtraHost(const ast::StringLiteral& host, Diagnostics& diagnostics) {
  const std::string& text = host.value;
  const std::string name = text.rfind("*.", 0) == 0 ? text.substr(2) : text;
  if (isDnsName(name)) return;
  std::string hint =
      " (letters, digits and '-' in dot-separated labels, or \"*.\" and such a name)";
  if (text.find(':') != std::string::npos) {
    hint = "; leave the port out: a service answers on each port it declares";
  }
  diagnostics.error(DiagnosticCode::MalformedHostName, host.loc,
                    "host " + quoted(text) + " is not a DNS name" + hint);
}

void checkPorts(const ast::Service& service, Diagnostics& diagnostics) {
  std::map<uint64_t, SourceLoc> first;
  for (const ast::ServicePort& port : service.ports) {
    if (port.malformed) continue;
    const auto [it, inserted] = first.emplace(port.number, port.loc);
    if (inserted) continue;
    diagnostics.error(DiagnosticCode::DuplicatePort, port.loc,
                      "service '" + service.name.name + "' declares port " +
                          std::to_string(port.number) + " twice");
    diagnostics.note(it->second, "first declared here");
  }
}

// A `port` condition on a port the service does not declare could never hold: a request on
// another port does not reach this service at all.
void checkPortConditions(const ast::Service& service, Diagnostics& diagnostics) {
  std::set<uint64_t> declared;
  std::string list;
  for (const ast::ServicePort& port : service.ports) {
    if (port.malformed || !declared.insert(port.number).second) continue;
    list += (list.empty() ? "" : ", ") + std::to_string(port.number);
  }
  for (const ast::Route& route : service.routes) {
    for (const ast::RouteRule& rule : route.rules) {
      for (const ast::ConditionGroup& group : rule.groups) {
        for (const ast::Condition& condition : group.conditions) {
          const auto* port = std::get_if<ast::PortMatch>(&condition.match);
          if (port == nullptr || port->malformed || declared.count(port->number) > 0) continue;
          diagnostics.error(DiagnosticCode::UndeclaredPort, port->loc,
                            "service '" + service.name.name + "' has no port " +
                                std::to_string(port->number) + ", so this condition never holds" +
                                (list.empty() ? "" : "; its ports are " + list));
        }
      }
    }
  }
}

}  // namespace

void checkAddresses(const ast::Policy& policy, Diagnostics& diagnostics) {
  if (policy.mesh) {
    for (const ast::Identifier& name : policy.mesh->namespaces) {
      checkDnsLabel(name, "namespace", diagnostics);
    }
    for (const ast::StringLiteral& domain : policy.mesh->clusterDomains) {
      if (isDnsName(domain.value)) continue;
      diagnostics.error(DiagnosticCode::MalformedHostName, domain.loc,
                        "cluster domain " + quoted(domain.value) +
                            " is not a DNS name (letters, digits and '-' in dot-separated labels)");
    }
  }
  for (const ast::Workload& workload : policy.workloads) {
    for (const ast::Identifier& account : workload.serviceAccounts) {
      checkDnsLabel(account, "service account", diagnostics);
    }
  }
  std::map<std::string, std::pair<SourceLoc, std::string>> owners;  // host -> where, service
  std::set<std::string> services;
  for (const ast::Service& service : policy.services) {
    for (const ast::Identifier& name : service.namespaces) {
      checkDnsLabel(name, "namespace", diagnostics);
    }
    for (const ast::StringLiteral& host : service.hosts) checkExtraHost(host, diagnostics);
    checkPorts(service, diagnostics);
    checkPortConditions(service, diagnostics);
    // A service declared twice is reported as such (E0203), not once per host it repeats.
    if (!services.insert(service.name.name).second) continue;
    for (const ServiceHost& host : serviceHosts(policy, service)) {
      const auto [it, inserted] = owners.try_emplace(host.name, host.loc, service.name.name);
      if (inserted) continue;
      if (it->second.second == service.name.name) {
        diagnostics.error(
            DiagnosticCode::DuplicateHost, host.loc,
            "service '" + service.name.name + "' already answers to host " + quoted(host.name));
      } else {
        diagnostics.error(DiagnosticCode::DuplicateHost, host.loc,
                          "host " + quoted(host.name) + " already belongs to service '" +
                              it->second.second + "'; a host routes to one service");
      }
      diagnostics.note(it->second.first, "claimed here");
    }
  }
}

}  // namespace meshc::sema
