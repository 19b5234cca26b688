#include "lower/Lowering.h"

#include <algorithm>
#include <map>
#include <optional>
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
    // A mirror may copy requests to a service the workload does not call: its clusters join the
    // module, after the workload's own service, without becoming routable.
    for (uint32_t s = 0; s < module_.routableServices; ++s) {
      for (const ast::Route& route : sources_[s]->routes) {
        for (const ast::RouteRule& rule : route.rules) {
          for (const ast::RuleSetting& setting : rule.settings) {
            if (const auto* mirror = std::get_if<ast::MirrorSetting>(&setting)) {
              addService(*require(mirror->target.service.name));
            }
          }
        }
      }
    }
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
                          [](const ast::RedirectTarget&) -> ir::Target { return ir::NoBackend{}; },
                          [](const ast::RespondTarget&) -> ir::Target { return ir::NoBackend{}; },
                      },
                      target);
  }

  // The segment prefix a rule's prefix replacement replaces: sema has checked that every group
  // of the rule has one `path prefix` condition, all with the same value.
  static std::string matchedPrefix(const ast::RouteRule& rule) {
    for (const ast::Condition& condition : rule.groups.at(0).conditions) {
      const auto* path = std::get_if<ast::PathMatch>(&condition.match);
      if (path != nullptr && !condition.negated && path->test == ast::StringTest::Prefix) {
        return withoutTrailingSlashes(path->value.value);
      }
    }
    throw std::logic_error("lowering an unchecked prefix replacement");
  }

  static ir::HeaderEdit lowerEdit(const ast::HeaderEditSetting& edit) {
    switch (edit.op) {
      case ast::HeaderEditSetting::Op::Set:
        return {ir::HeaderEdit::Op::Set, toLowerAscii(edit.name.value), edit.value.value};
      case ast::HeaderEditSetting::Op::Add:
        return {ir::HeaderEdit::Op::Add, toLowerAscii(edit.name.value), edit.value.value};
      case ast::HeaderEditSetting::Op::Remove:
        return {ir::HeaderEdit::Op::Remove, toLowerAscii(edit.name.value), ""};
    }
    throw std::logic_error("unknown header edit");
  }

  // The rule's settings as actions, in the IR's order. A rule's own timeout overrides its route's,
  // which applies only to rules with backends (sema allows one route-level timeout at most).
  std::vector<ir::Action> lowerActions(const ast::Route& route, const ast::RouteRule& rule) const {
    std::optional<uint64_t> timeout;
    if (rule.timeout) timeout = rule.timeout->milliseconds;
    ir::RequestHeaderEdits requestEdits;
    ir::ResponseHeaderEdits responseEdits;
    std::optional<ir::Rewrite> rewrite;
    ir::Redirect redirect;
    ir::Mirrors mirrors;
    for (const ast::RuleSetting& setting : rule.settings) {
      std::visit(
          Overloaded{
              [&](const ast::TimeoutSetting& t) { timeout = t.timeout.milliseconds; },
              [&](const ast::RewriteSetting& r) {
                if (!rewrite) rewrite.emplace();
                switch (r.part) {
                  case ast::RewriteSetting::Part::Path:
                    rewrite->path = {ir::PathRewrite::Kind::Full, r.value.value, ""};
                    break;
                  case ast::RewriteSetting::Part::Prefix:
                    rewrite->path = {ir::PathRewrite::Kind::Prefix, r.value.value,
                                     matchedPrefix(rule)};
                    break;
                  case ast::RewriteSetting::Part::Host:
                    rewrite->host = toLowerAscii(r.value.value);
                    break;
                }
              },
              [&](const ast::HeaderEditSetting& h) {
                switch (h.side) {
                  case ast::HeaderEditSetting::Side::Request:
                    requestEdits.edits.push_back(lowerEdit(h));
                    break;
                  case ast::HeaderEditSetting::Side::Response:
                    responseEdits.edits.push_back(lowerEdit(h));
                    break;
                }
              },
              [&](const ast::RedirectSetting& r) {
                switch (r.part) {
                  case ast::RedirectSetting::Part::Scheme:
                    redirect.scheme = r.value;
                    break;
                  case ast::RedirectSetting::Part::Host:
                    redirect.host = toLowerAscii(r.value);
                    break;
                  case ast::RedirectSetting::Part::Port:
                    redirect.port = static_cast<uint32_t>(r.port);
                    break;
                  case ast::RedirectSetting::Part::Path:
                    redirect.path = {ir::PathRewrite::Kind::Full, r.value, ""};
                    break;
                  case ast::RedirectSetting::Part::Prefix:
                    redirect.path = {ir::PathRewrite::Kind::Prefix, r.value, matchedPrefix(rule)};
                    break;
                }
              },
              [&](const ast::MirrorSetting& m) {
                const uint32_t cluster =
                    clusterOf(serviceIndex_.at(m.target.service.name), m.target.subset.name);
                mirrors.targets.push_back(
                    {cluster, m.percent ? m.percent->basisPoints : ir::kWeightTotal});
              },
          },
          setting);
    }
    std::vector<ir::Action> actions;
    const bool backends = std::visit(Overloaded{
                                         [](const ast::SubsetTarget&) { return true; },
                                         [](const ast::SplitTarget&) { return true; },
                                         [](const ast::RedirectTarget&) { return false; },
                                         [](const ast::RespondTarget&) { return false; },
                                     },
                                     rule.target);
    if (!timeout && backends && !route.timeouts.empty()) {
      timeout = route.timeouts[0].milliseconds;
    }
    if (timeout) actions.push_back(ir::RequestTimeout{*timeout});
    if (!requestEdits.edits.empty()) actions.push_back(std::move(requestEdits));
    if (!responseEdits.edits.empty()) actions.push_back(std::move(responseEdits));
    std::visit(Overloaded{
                   [](const ast::SubsetTarget&) {},
                   [](const ast::SplitTarget&) {},
                   [&](const ast::RedirectTarget& r) {
                     redirect.status = static_cast<uint32_t>(r.status);
                     actions.push_back(std::move(redirect));
                   },
                   [&](const ast::RespondTarget& r) {
                     actions.push_back(ir::DirectResponse{static_cast<uint32_t>(r.status),
                                                          r.body ? r.body->value : ""});
                   },
               },
               rule.target);
    if (rewrite) actions.push_back(std::move(*rewrite));
    if (!mirrors.targets.empty()) actions.push_back(std::move(mirrors));
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
