#pragma once

// The names a service answers to, as Kubernetes DNS gives them: `reviews`, `reviews.prod`,
// `reviews.prod.svc` and `reviews.prod.svc.cluster.local`, then the extra `hosts` it declares
// (lower-cased; an extra host may be a wildcard such as `*.example.com`). Sema checks that no two
// services share one; lowering hands them to route().

#include <string>
#include <vector>

#include "ast/Ast.h"

namespace meshc::sema {

inline constexpr const char* kDefaultNamespace = "default";
inline constexpr const char* kDefaultClusterDomain = "cluster.local";

struct ServiceHost {
  std::string name;
  SourceLoc loc;  // where the name comes from: the service's name, or its `hosts` entry
};

// The service's own namespace, else the mesh's, else "default".
std::string namespaceOf(const ast::Policy& policy, const ast::Service& service);

std::vector<ServiceHost> serviceHosts(const ast::Policy& policy, const ast::Service& service);

}  // namespace meshc::sema
