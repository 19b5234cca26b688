#include "core/ModuleCheck.h"

#include <fmt/format.h>

#include "policy/RegexSet.h"
#include "policy/RuleTable.h"

namespace mesh {
namespace {

std::string checkRule(const mesh_module& module, uint32_t index) {
  const mesh_rule& rule = module.rules[index];
  if (!rule.location) return fmt::format("rule {} of the module has no location", index);
  if (rule.service >= module.service_count) {
    return fmt::format("rule {} ({}) names service {} of {}", index, rule.location, rule.service,
                       module.service_count);
  }
  if (rule.action_count > 0 && !rule.actions) {
    return fmt::format("rule {} ({}) has a null action list", index, rule.location);
  }
  RuleSettings scratch;
  for (uint32_t a = 0; a < rule.action_count; ++a) {
    if (const std::string problem = applyAction(rule.actions[a], scratch); !problem.empty()) {
      return fmt::format("rule {} ({}): {}", index, rule.location, problem);
    }
  }
  // The sidecar answers such a rule itself: there is no forwarded request to copy or retry.
  if (!scratch.mirrors.empty() && (scratch.redirect || scratch.directResponse)) {
    return fmt::format("rule {} ({}) mirrors, but answers by itself: nothing is forwarded", index,
                       rule.location);
  }
  if (scratch.retry && (scratch.redirect || scratch.directResponse)) {
    return fmt::format("rule {} ({}) retries, but answers by itself: nothing is forwarded", index,
                       rule.location);
  }
  for (const Mirror& mirror : scratch.mirrors) {
    if (mirror.cluster >= module.cluster_count) {
      return fmt::format("rule {} ({}) mirrors to cluster {} of {}", index, rule.location,
                         mirror.cluster, module.cluster_count);
    }
  }
  return {};
}

}  // namespace

std::string checkModule(const mesh_module& module) {
  if (module.abi_version != MESH_ABI_VERSION) {
    return fmt::format(
        "the policy module was built for runtime ABI version "
        "{}, this runtime implements version "
        "{}; rebuild the sidecar with a meshc whose runtime "
        "matches its compiler",
        module.abi_version, MESH_ABI_VERSION);
  }
  if (!module.mesh_name || !module.workload || !module.policy_digest || !module.compiler_version ||
      !module.trust_domain || !module.principal) {
    return "the policy module lacks its mesh name, workload, digest, compiler version, trust "
           "domain or principal";
  }
  if (!module.route) return "the policy module has no route function";
  if ((module.service_count > 0 && !module.services) ||
      (module.cluster_count > 0 && !module.clusters) || (module.rule_count > 0 && !module.rules)) {
    return "the policy module has a null service, cluster or rule table";
  }
  if (module.regex_count > 0 && !module.regexes) return "the policy module has a null regex table";
  for (uint32_t i = 0; i < module.regex_count; ++i) {
    if (!module.regexes[i]) return fmt::format("regex {} of the module is null", i);
  }
  if (const RegexSet regexes(module.regexes, module.regex_count); !regexes.error().empty()) {
    return regexes.error();
  }
  if (module.merge_slashes > 1) {
    return fmt::format("merge_slashes is {}, not 0 or 1", module.merge_slashes);
  }
  if (module.encoded_slashes > MESH_ENCODED_SLASHES_REJECT) {
    return fmt::format("encoded_slashes is {}, not a MESH_ENCODED_SLASHES_* value",
                       module.encoded_slashes);
  }
  for (uint32_t i = 0; i < module.service_count; ++i) {
    const mesh_service& service = module.services[i];
    if (!service.name) return fmt::format("service {} of the module has no name", i);
    if (service.first_rule > module.rule_count ||
        service.rule_count > module.rule_count - service.first_rule) {
      return fmt::format("service {} has rules [{}, +{}) of {}", service.name, service.first_rule,
                         service.rule_count, module.rule_count);
    }
    if (service.mtls > MESH_MTLS_STRICT) {
      return fmt::format("service {} has mtls {}, not a MESH_MTLS_* value", service.name,
                         service.mtls);
    }
    if (service.principal_count > 0 && !service.principals) {
      return fmt::format("service {} has a null principal list", service.name);
    }
    for (uint32_t p = 0; p < service.principal_count; ++p) {
      if (!service.principals[p])
        return fmt::format("principal {} of service {} is null", p, service.name);
    }
  }
  for (uint32_t i = 0; i < module.rule_count; ++i) {
    if (const std::string problem = checkRule(module, i); !problem.empty()) return problem;
  }
  for (uint32_t i = 0; i < module.cluster_count; ++i) {
    const mesh_cluster& cluster = module.clusters[i];
    if (!cluster.name || !cluster.service || !cluster.subset) {
      return fmt::format("cluster {} of the module lacks a name, service or subset", i);
    }
    if (cluster.service_index >= module.service_count) {
      return fmt::format("cluster {} names service {} of {}", cluster.name, cluster.service_index,
                         module.service_count);
    }
    if (cluster.endpoint_count > 0 && !cluster.endpoints) {
      return fmt::format("cluster {} has a null endpoint list", cluster.name);
    }
  }
  if (module.local_service >= static_cast<int64_t>(module.service_count) ||
      module.local_service < -1) {
    return fmt::format("local_service {} is out of range", module.local_service);
  }
  if (module.local_cluster >= static_cast<int64_t>(module.cluster_count) ||
      module.local_cluster < -1) {
    return fmt::format("local_cluster {} is out of range", module.local_cluster);
  }
  return {};
}

}  // namespace mesh
