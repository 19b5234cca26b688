#include "lower/Lowering.h"

#include <algorithm>
#include <map>
#include <stdexcept>

#include "sema/SymbolTable.h"
#include "support/Overloaded.h"
#include "support/Text.h"

namespace meshc::lower {
namespace {

std::string withoutTrailingSlashes(std::string path) {
  while (!path.empty() && path.back() == '/') path.pop_back();
  return path;
}

// Sema has checked that each setting appears once at most and names a known action.
ir::PathSettings pathSettings(const ast::Mesh& mesh) {
  ir::PathSettings paths;
  paths.mergeSlashes = !mesh.mergeSlashes.empty();
  if (!mesh.encodedSlashes.empty()) {
    const std::string& action = mesh.encodedSlashes[0].name;
    paths.encodedSlashes = action == "decode"   ? ir::EncodedSlashes::Decode
                           : action == "reject" ? ir::EncodedSlashes::Reject
                                                : ir::EncodedSlashes::Keep;
  }
  return paths;
}

class WorkloadLowering {
 public:
  WorkloadLowering(const ast::Policy& policy, const std::string& digest) : symbols_(policy) {
    module_.meshName = policy.mesh ? policy.mesh->name.name : "";
    module_.digest = digest;
    if (policy.mesh) module_.paths = pathSettings(*policy.mesh);
  }

  ir::Module run(const ast::Workload& workload) {
    module_.workload = workload.name.name;
    for (const ast::Identifier& callee : workload.calls) addService(*require(callee.name));
    module_.routableServices = static_cast<uint32_t>(module_.services.size());
    const ast::Service* own = require(workload.services.at(0).name);
    const uint32_t ownIndex = addService(*own);
    module_.localService = static_cast<int32_t>(ownIndex);
    module_.localCluster = static_cast<int32_t>(clusterOf(ownIndex, workload.versions.at(0).name));
    for (uint32_t s = 0; s < module_.routableServices; ++s) lowerRoute(s);
    return std::move(module_);
  }

 private:
  const ast::Service* require(const std::string& name) const {
    const ast::Service* service = symbols_.service(name);
    if (service == nullptr) throw std::logic_error("lowering an unchecked policy: " + name);
    return service;
  }

  uint32_t addService(const ast::Service& service) {
    const auto found = serviceIndex_.find(service.name.name);
    if (found != serviceIndex_.end()) return found->second;
    const auto index = static_cast<uint32_t>(module_.services.size());
    serviceIndex_.emplace(service.name.name, index);
    ir::Service lowered;
    lowered.name = service.name.name;
    lowered.port = static_cast<uint32_t>(service.ports.at(0).number);
    lowered.loc = service.name.loc;
    module_.services.push_back(std::move(lowered));
    sources_.push_back(&service);
    for (const ast::Subset& subset : service.subsets) {
      ir::Cluster cluster{service.name.name, subset.name.name, index, {}};
      for (const ast::StringLiteral& endpoint : subset.endpoints) {
        cluster.endpoints.push_back(endpoint.value);
      }
      module_.clusters.push_back(std::move(cluster));
    }
    return index;
  }

  uint32_t clusterOf(uint32_t service, const std::string& subset) const {
    for (uint32_t c = 0; c < module_.clusters.size(); ++c) {
      const ir::Cluster& cluster = module_.clusters[c];
      if (cluster.serviceIndex == service && cluster.subset == subset) return c;
    }
    throw std::logic_error("lowering an unchecked policy: subset " + subset);
  }

  ir::Target lowerTarget(uint32_t service, const ast::Target& target) const {
    return std::visit(Overloaded{
                          [&](const ast::SubsetTarget& subset) -> ir::Target {
                            return ir::Forward{clusterOf(service, subset.subset.name)};
                          },
                          [&](const ast::SplitTarget& target) -> ir::Target {
                            ir::Split split;
                            for (const ast::SplitEntry& entry : target.entries) {
                              split.targets.push_back({clusterOf(service, entry.subset.name),
                                                       entry.weight.basisPoints});
                            }
                            return split;
                          },
                      },
                      target);
  }

  // A rule's own settings override its route's (sema allows one route-level timeout at most).
  static std::vector<ir::Action> lowerActions(const ast::Route& route, const ast::RouteRule& rule) {
    std::vector<ir::Action> actions;
    if (rule.timeout) {
      actions.push_back(ir::RequestTimeout{rule.timeout->milliseconds});
    } else if (!route.timeouts.empty()) {
      actions.push_back(ir::RequestTimeout{route.timeouts[0].milliseconds});
    }
    return actions;
  }

  void lowerRoute(uint32_t index) {
    const ast::Service& source = *sources_[index];
    ir::Service& service = module_.services[index];
    if (source.routes.empty()) {
      // Sema allows a missing route only for a single subset: everything goes there.
      service.rules.push_back({{ir::Conjunction{}},
                               ir::Forward{clusterOf(index, source.subsets.at(0).name.name)},
                               {},
                               source.name.loc});
      return;
    }
    const ast::Route& route = source.routes[0];
    for (const ast::RouteRule& rule : route.rules) {
      ir::Rule lowered;
      for (const ast::ConditionGroup& group : rule.groups) {
        ir::Conjunction& conjunction = lowered.anyOf.emplace_back();
        for (const ast::Condition& condition : group.conditions) {
          conjunction.push_back(lowerCondition(condition));
        }
      }
      if (rule.otherwise) lowered.anyOf.emplace_back();
      lowered.target = lowerTarget(index, rule.target);
      lowered.actions = lowerActions(route, rule);
      lowered.loc = rule.loc;
      service.rules.push_back(std::move(lowered));
    }
  }

  // A path `prefix` is segment-aware; `starts_with`, and `prefix` on anything else, is bytes.
  ir::Test lowerTest(ast::StringTest test, const std::string& value, bool path) {
    switch (test) {
      case ast::StringTest::Equals:
        return ir::Equals{value};
      case ast::StringTest::Prefix:
        if (path) return ir::SegmentPrefix{withoutTrailingSlashes(value)};
        return ir::Prefix{value};
      case ast::StringTest::StartsWith:
        return ir::Prefix{value};
      case ast::StringTest::Suffix:
        return ir::Suffix{value};
      case ast::StringTest::Matches:
        return ir::Regex{regexIndex(value)};
      case ast::StringTest::Present:
      case ast::StringTest::Absent:
        return ir::Present{};
    }
    throw std::logic_error("unknown string test");
  }

  uint32_t regexIndex(const std::string& pattern) {
    const auto found = std::find(module_.regexes.begin(), module_.regexes.end(), pattern);
    if (found != module_.regexes.end()) {
      return static_cast<uint32_t>(found - module_.regexes.begin());
    }
    module_.regexes.push_back(pattern);
    return static_cast<uint32_t>(module_.regexes.size() - 1);
  }

  ir::Predicate lowerCondition(const ast::Condition& condition) {
    ir::Predicate predicate = std::visit(
        Overloaded{
            [&](const ast::PathMatch& path) -> ir::Predicate {
              return {ir::RequestPath{}, lowerTest(path.test, path.value.value, true), false, {}};
            },
            [&](const ast::MethodMatch& method) -> ir::Predicate {
              return {ir::RequestMethod{}, ir::Equals{method.method.name}, false, {}};
            },
            [&](const ast::HeaderMatch& header) -> ir::Predicate {
              return {ir::HeaderValue{toLowerAscii(header.name.value)},
                      lowerTest(header.test, header.value.value, false),
                      header.test == ast::StringTest::Absent,
                      {}};
            },
            [&](const ast::QueryMatch& query) -> ir::Predicate {
              return {ir::QueryValue{query.name.value},
                      lowerTest(query.test, query.value.value, false),
                      query.test == ast::StringTest::Absent,
                      {}};
            },
        },
        condition.match);
    predicate.negated = predicate.negated != condition.negated;
    predicate.loc = condition.loc;
    return predicate;
  }

  sema::SymbolTable symbols_;
  ir::Module module_;
  std::map<std::string, uint32_t> serviceIndex_;
  std::vector<const ast::Service*> sources_;  // parallel to module_.services
};

}  // namespace

ir::Module lowerWorkload(const ast::Policy& policy, const ast::Workload& workload,
                         const std::string& digest) {
  return WorkloadLowering(policy, digest).run(workload);
}

std::vector<ir::Module> lowerPolicy(const ast::Policy& policy, const std::string& digest) {
  std::vector<ir::Module> modules;
  for (const ast::Workload& workload : policy.workloads) {
    modules.push_back(lowerWorkload(policy, workload, digest));
  }
  return modules;
}

}  // namespace meshc::lower
