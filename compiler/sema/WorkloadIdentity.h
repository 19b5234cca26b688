#pragma once

// Who a workload is, as `source` conditions see it. Istio's conventions: the labels `app` (its
// service) and `version` (its subset) plus those it declares, and the principal
// spiffe://<trust domain>/ns/<namespace>/sa/<service account>, where the service account defaults
// to the service's name and the trust domain to "cluster.local". Each sidecar is compiled for one
// workload, the caller of everything it routes, so source conditions are decided at compile time.

#include <map>
#include <optional>
#include <string>

#include "ast/Ast.h"

namespace meshc::sema {

inline constexpr const char* kDefaultTrustDomain = "cluster.local";

struct WorkloadIdentity {
  std::string name;
  std::map<std::string, std::string> labels;
  std::string principal;
};

// The mesh's `trust_domain`, or kDefaultTrustDomain.
std::string trustDomainOf(const ast::Policy& policy);

// `service` is the workload's service as declared, null when it names none.
WorkloadIdentity identityOf(const ast::Policy& policy, const ast::Workload& workload,
                            const ast::Service* service);

// Whether a `source` condition (its negation included) holds for the workload; nullopt for a
// condition on the request.
std::optional<bool> sourceConditionHolds(const ast::Condition& condition,
                                         const WorkloadIdentity& caller);

}  // namespace meshc::sema
