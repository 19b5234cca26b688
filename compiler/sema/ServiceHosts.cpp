#include "sema/ServiceHosts.h"

#include "support/Text.h"

namespace meshc::sema {

std::string namespaceOf(const ast::Policy& policy, const ast::Service& service) {
  if (!service.namespaces.empty()) return service.namespaces[0].name;
  if (policy.mesh && !policy.mesh->namespaces.empty()) return policy.mesh->namespaces[0].name;
  return kDefaultNamespace;
}

std::vector<ServiceHost> serviceHosts(const ast::Policy& policy, const ast::Service& service) {
  const std::string& name = service.name.name;
  const std::string qualified = name + "." + namespaceOf(policy, service);
  const std::string domain = policy.mesh && !policy.mesh->clusterDomains.empty()
                                 ? toLowerAscii(policy.mesh->clusterDomains[0].value)
                                 : kDefaultClusterDomain;
  std::vector<ServiceHost> hosts{{name, service.name.loc},
                                 {qualified, service.name.loc},
                                 {qualified + ".svc", service.name.loc},
                                 {qualified + ".svc." + domain, service.name.loc}};
  for (const ast::StringLiteral& host : service.hosts) {
    hosts.push_back({toLowerAscii(host.value), host.loc});
  }
  return hosts;
}

}  // namespace meshc::sema
