#include "sema/WorkloadIdentity.h"

#include <re2/re2.h>

#include <stdexcept>

#include "policy/RegexOptions.h"
#include "sema/ServiceHosts.h"
#include "support/Overloaded.h"

namespace meshc::sema {
namespace {

// A label or principal against a condition's test, as the request's headers are: `prefix` is a
// byte prefix and `matches` an RE2 full match.
bool passes(ast::StringTest test, const std::optional<std::string>& value,
            const std::string& operand) {
  if (!value) return false;
  switch (test) {
    case ast::StringTest::Equals:
      return *value == operand;
    case ast::StringTest::Prefix:
    case ast::StringTest::StartsWith:
      return value->compare(0, operand.size(), operand) == 0;
    case ast::StringTest::Suffix:
      return value->size() >= operand.size() &&
             value->compare(value->size() - operand.size(), operand.size(), operand) == 0;
    case ast::StringTest::Matches: {
      const RE2 regex(operand, mesh::policyRegexOptions());
      return regex.ok() && RE2::FullMatch(*value, regex);
    }
    case ast::StringTest::Present:
    case ast::StringTest::Absent:
      return true;
  }
  throw std::logic_error("unknown string test");
}

// `absent` holds exactly when `present` does not.
bool holds(ast::StringTest test, const std::optional<std::string>& value,
           const std::string& operand) {
  const bool result = passes(test, value, operand);
  return test == ast::StringTest::Absent ? !result : result;
}

}  // namespace

std::string trustDomainOf(const ast::Policy& policy) {
  return policy.mesh && !policy.mesh->trustDomains.empty() ? policy.mesh->trustDomains[0].value
                                                           : kDefaultTrustDomain;
}

WorkloadIdentity identityOf(const ast::Policy& policy, const ast::Workload& workload,
                            const ast::Service* service) {
  WorkloadIdentity identity;
  identity.name = workload.name.name;
  for (const ast::WorkloadLabel& label : workload.labels) {
    identity.labels.try_emplace(label.name.value, label.value.value);
  }
  if (!workload.services.empty()) identity.labels["app"] = workload.services[0].name;
  if (!workload.versions.empty()) identity.labels["version"] = workload.versions[0].name;

  std::string ns = kDefaultNamespace;
  if (service != nullptr) {
    ns = namespaceOf(policy, *service);
  } else if (policy.mesh && !policy.mesh->namespaces.empty()) {
    ns = policy.mesh->namespaces[0].name;
  }
  std::string account = workload.services.empty() ? "" : workload.services[0].name;
  if (!workload.serviceAccounts.empty()) account = workload.serviceAccounts[0].name;
  identity.principal = "spiffe://" + trustDomainOf(policy) + "/ns/" + ns + "/sa/" + account;
  return identity;
}

std::optional<bool> sourceConditionHolds(const ast::Condition& condition,
                                         const WorkloadIdentity& caller) {
  const std::optional<bool> holdsUnnegated = std::visit(
      Overloaded{
          [](const ast::PathMatch&) -> std::optional<bool> { return std::nullopt; },
          [](const ast::MethodMatch&) -> std::optional<bool> { return std::nullopt; },
          [](const ast::HeaderMatch&) -> std::optional<bool> { return std::nullopt; },
          [](const ast::QueryMatch&) -> std::optional<bool> { return std::nullopt; },
          [](const ast::PortMatch&) -> std::optional<bool> { return std::nullopt; },
          [&](const ast::SourceWorkloadMatch& source) -> std::optional<bool> {
            return source.workload.name == caller.name;
          },
          [&](const ast::SourceLabelMatch& label) -> std::optional<bool> {
            const auto found = caller.labels.find(label.name.value);
            return holds(label.test,
                         found == caller.labels.end() ? std::nullopt
                                                      : std::optional<std::string>(found->second),
                         label.value.value);
          },
          [&](const ast::SourcePrincipalMatch& principal) -> std::optional<bool> {
            return holds(principal.test, caller.principal, principal.value.value);
          },
      },
      condition.match);
  if (!holdsUnnegated) return std::nullopt;
  return *holdsUnnegated != condition.negated;
}

}  // namespace meshc::sema
