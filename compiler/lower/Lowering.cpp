#include "lower/Lowering.h"

#include <algorithm>
#include <map>
#include <optional>
#include <stdexcept>

#include "sema/Checks.h"
#include "sema/RouteDefaults.h"
#include "sema/ServiceHosts.h"
#include "sema/SymbolTable.h"
#include "sema/WorkloadIdentity.h"
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

ir::Mtls mtlsMode(const std::string& mode) {
  return mode == "strict"    ? ir::Mtls::Strict
         : mode == "disable" ? ir::Mtls::Disable
                             : ir::Mtls::Permissive;
}

// A service's own `mtls`, else the mesh's, else permissive: Istio's default, which lets a mesh
// move to mutual TLS one workload at a time. Sema has checked each is known and given once.
ir::Mtls serviceMtls(const ast::Policy& policy, const ast::Service& service) {
  if (!service.mtls.empty()) return mtlsMode(service.mtls[0].name);
  if (policy.mesh && !policy.mesh->mtls.empty()) return mtlsMode(policy.mesh->mtls[0].name);
  return ir::Mtls::Permissive;
}

// The SPIFFE IDs of the workloads that run `service`, sorted and distinct: workloads sharing a
// service account share one.
std::vector<std::string> principalsOf(const ast::Policy& policy, const ast::Service& service) {
  std::vector<std::string> principals;
  for (const ast::Workload& workload : policy.workloads) {
    if (workload.services.at(0).name != service.name.name) continue;
    principals.push_back(sema::identityOf(policy, workload, &service).principal);
  }
  std::sort(principals.begin(), principals.end());
  principals.erase(std::unique(principals.begin(), principals.end()), principals.end());
  return principals;
}

class WorkloadLowering {
 public:
  WorkloadLowering(const ast::Policy& policy, const std::string& digest)
      : policy_(policy), symbols_(policy) {
    module_.meshName = policy.mesh ? policy.mesh->name.name : "";
    module_.digest = digest;
    module_.trustDomain = sema::trustDomainOf(policy);
    if (policy.mesh) module_.paths = pathSettings(*policy.mesh);
  }

  ir::Module run(const ast::Workload& workload) {
    module_.workload = workload.name.name;
    const ast::Service* own = require(workload.services.at(0).name);
    caller_ = sema::identityOf(policy_, workload, own);
    module_.principal = caller_.principal;
    for (const ast::Identifier& callee : workload.calls) addService(*require(callee.name));
    module_.routableServices = static_cast<uint32_t>(module_.services.size());
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
    for (const sema::ServiceHost& host : sema::serviceHosts(policy_, service)) {
      lowered.hosts.push_back(host.name);
    }
    for (const ast::ServicePort& port : service.ports) {
      lowered.ports.push_back(static_cast<uint32_t>(port.number));
    }
    lowered.mtls = serviceMtls(policy_, service);
    lowered.principals = principalsOf(policy_, service);
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
    return std::visit(
        Overloaded{
            [&](const ast::SubsetTarget& subset) -> ir::Target {
              return ir::Forward{clusterOf(service, subset.subset.name)};
            },
            [&](const ast::SplitTarget& target) -> ir::Target {
              ir::Split split;
              for (const ast::SplitEntry& entry : target.entries) {
                split.targets.push_back(
                    {clusterOf(service, entry.subset.name), entry.weight.basisPoints});
              }
              return split;
            },
            [](const ast::RedirectTarget&) -> ir::Target { return ir::NoBackend{}; },
            [](const ast::RespondTarget&) -> ir::Target { return ir::NoBackend{}; },
            [](const ast::ExperimentTarget&) -> ir::Target { return ir::ExperimentTarget{}; },
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

  // The rule's settings as actions, in the IR's order. A rule's own timeout and retry policy
  // replace its route's, which apply only to rules with backends (sema::timeoutOf, retryOf).
  std::vector<ir::Action> lowerActions(const ast::Route& route, const ast::RouteRule& rule) const {
    ir::RequestHeaderEdits requestEdits;
    ir::ResponseHeaderEdits responseEdits;
    std::optional<ir::Rewrite> rewrite;
    ir::Redirect redirect;
    ir::Mirrors mirrors;
    for (const ast::RuleSetting& setting : rule.settings) {
      std::visit(
          Overloaded{
              [](const ast::TimeoutSetting&) {},  // see timeoutOf
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
              [](const ast::CorsSetting&) {},   // see corsOf
              [](const ast::RetrySetting&) {},  // see retryOf
          },
          setting);
    }
    std::vector<ir::Action> actions;
    if (const ast::Duration* timeout = sema::timeoutOf(route, rule)) {
      actions.push_back(ir::RequestTimeout{timeout->milliseconds});
    }
    if (const ast::RetrySetting* retry = sema::retryOf(route, rule)) {
      if (std::optional<ir::RetryPolicy> lowered = lowerRetry(*retry)) {
        actions.push_back(std::move(*lowered));
      }
    }
    if (!requestEdits.edits.empty()) actions.push_back(std::move(requestEdits));
    if (!responseEdits.edits.empty()) actions.push_back(std::move(responseEdits));
    std::visit(Overloaded{
                   [](const ast::SubsetTarget&) {}, [](const ast::SplitTarget&) {},
                   [&](const ast::RedirectTarget& r) {
                     redirect.status = static_cast<uint32_t>(r.status);
                     actions.push_back(std::move(redirect));
                   },
                   [&](const ast::RespondTarget& r) {
                     actions.push_back(ir::DirectResponse{static_cast<uint32_t>(r.status),
                                                          r.body ? r.body->value : ""});
                   },
                   [](const ast::ExperimentTarget&) {},  // last of all: see lowerRoute
               },
               rule.target);
    if (rewrite) actions.push_back(std::move(*rewrite));
    if (!mirrors.targets.empty()) actions.push_back(std::move(mirrors));
    return actions;
  }

  static ir::RetryReason lowerReason(ast::RetryReason reason) {
    switch (reason) {
      case ast::RetryReason::ServerError:
        return ir::RetryReason::ServerError;
      case ast::RetryReason::GatewayError:
        return ir::RetryReason::GatewayError;
      case ast::RetryReason::Reset:
        return ir::RetryReason::Reset;
      case ast::RetryReason::ConnectFailure:
        return ir::RetryReason::ConnectFailure;
      case ast::RetryReason::Retriable4xx:
        return ir::RetryReason::Retriable4xx;
    }
    throw std::logic_error("unknown retry reason");
  }

  // Sema has checked the values, and that `attempts` is given once; `attempts 0` (a rule turning
  // its route's retries off) is no action. The defaults are Envoy's: gateway errors, a backoff
  // from 25 ms up to ten times the base (within 24h), a budget of 20% of the active requests.
  static std::optional<ir::RetryPolicy> lowerRetry(const ast::RetrySetting& retry) {
    const uint64_t attempts = retry.attempts.at(0).count;
    if (attempts == 0) return std::nullopt;
    ir::RetryPolicy lowered;
    lowered.attempts = static_cast<uint32_t>(attempts);
    if (retry.on.empty()) lowered.reasons.push_back(ir::RetryReason::GatewayError);
    for (const ast::RetryOn& on : retry.on) {
      for (const ast::RetryCondition& condition : on.conditions) {
        if (condition.status) {
          lowered.statuses.push_back(static_cast<uint32_t>(*condition.status));
          continue;
        }
        const std::optional<ast::RetryReason> reason = ast::retryReasonNamed(condition.text);
        if (!reason) throw std::logic_error("lowering an unchecked retry condition");
        lowered.reasons.push_back(lowerReason(*reason));
      }
    }
    std::sort(lowered.reasons.begin(), lowered.reasons.end());
    lowered.reasons.erase(std::unique(lowered.reasons.begin(), lowered.reasons.end()),
                          lowered.reasons.end());
    std::sort(lowered.statuses.begin(), lowered.statuses.end());
    lowered.statuses.erase(std::unique(lowered.statuses.begin(), lowered.statuses.end()),
                           lowered.statuses.end());
    if (!retry.perTryTimeouts.empty()) {
      lowered.perTryTimeoutMs = retry.perTryTimeouts[0].milliseconds;
    }
    lowered.backoffBaseMs = retry.backoffs.empty() ? 25 : retry.backoffs[0].base.milliseconds;
    lowered.backoffMaxMs = !retry.backoffs.empty() && retry.backoffs[0].max
                               ? retry.backoffs[0].max->milliseconds
                               : std::min(10 * lowered.backoffBaseMs, sema::kMaxTimeoutMs);
    lowered.budget = retry.budgets.empty() ? 2000 : retry.budgets[0].basisPoints;
    lowered.nonIdempotent = !retry.nonIdempotent.empty();
    return lowered;
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
        if (auto conjunction = lowerGroup(group)) lowered.anyOf.push_back(std::move(*conjunction));
      }
      if (rule.otherwise) lowered.anyOf.emplace_back();
      lowered.target = lowerTarget(index, rule.target);
      lowered.actions = lowerActions(route, rule);
      if (const ast::Identifier* cors = corsOf(route, rule)) {
        lowered.actions.push_back(lowerCors(source, cors->name));
      }
      if (const auto* experiment = std::get_if<ast::ExperimentTarget>(&rule.target)) {
        lowered.actions.push_back(lowerExperiment(index, source, experiment->experiment.name));
      }
      lowered.loc = rule.loc;
      service.rules.push_back(std::move(lowered));
    }
  }

  // A rule's own `cors` wins over its route's.
  static const ast::Identifier* corsOf(const ast::Route& route, const ast::RouteRule& rule) {
    for (const ast::RuleSetting& setting : rule.settings) {
      if (const auto* cors = std::get_if<ast::CorsSetting>(&setting)) return &cors->policy;
    }
    return route.cors.empty() ? nullptr : &route.cors[0];
  }

  // Values as the sidecar sends them: a list joined with ", ", or "*" when it allows any.
  static std::string fieldValue(const std::vector<ast::StringLiteral>& values) {
    std::string out;
    for (const ast::StringLiteral& value : values) {
      if (value.value == "*") return "*";
      out += (out.empty() ? "" : ", ") + value.value;
    }
    return out;
  }

  // Sema has checked the policy exists and its values. Without `max_age`, Gateway API's default
  // of 5 s applies (browsers would otherwise apply their own).
  static ir::Cors lowerCors(const ast::Service& source, const std::string& name) {
    const ast::CorsPolicy* declared = nullptr;
    for (const ast::CorsPolicy& policy : source.corsPolicies) {
      if (policy.name.name == name && declared == nullptr) declared = &policy;
    }
    if (declared == nullptr) throw std::logic_error("lowering an unchecked CORS policy: " + name);
    ir::Cors lowered;
    lowered.name = name;
    lowered.maxAgeSeconds = 5;
    for (const ast::CorsList& list : declared->lists) {
      switch (list.kind) {
        case ast::CorsList::Kind::Origins:
          for (const ast::StringLiteral& origin : list.values)
            lowered.origins.push_back(origin.value);
          break;
        case ast::CorsList::Kind::Methods:
          lowered.allowMethods = fieldValue(list.values);
          break;
        case ast::CorsList::Kind::Headers:
          lowered.allowHeaders = fieldValue(list.values);
          break;
        case ast::CorsList::Kind::Expose:
          lowered.exposeHeaders = fieldValue(list.values);
          break;
      }
    }
    if (!declared->maxAges.empty())
      lowered.maxAgeSeconds = declared->maxAges[0].milliseconds / 1000;
    lowered.credentials = !declared->credentials.empty();
    return lowered;
  }

  // Sema has checked that the experiment exists and that its variants name subsets. A principal
  // key is the caller's, which this module knows: every request it routes is this workload's.
  ir::Experiment lowerExperiment(uint32_t service, const ast::Service& source,
                                 const std::string& name) const {
    const ast::Experiment* declared = nullptr;
    for (const ast::Experiment& experiment : source.experiments) {
      if (experiment.name.name == name && declared == nullptr) declared = &experiment;
    }
    if (declared == nullptr) throw std::logic_error("lowering an unchecked experiment: " + name);
    ir::Experiment lowered;
    lowered.name = name;
    for (const ast::ExperimentVariant& variant : declared->variants) {
      lowered.variants.push_back(
          {variant.name.name, clusterOf(service, variant.subset.name), variant.weight.basisPoints});
    }
    if (!declared->stickyKeys.empty()) {
      const ast::StickyKey& key = declared->stickyKeys[0];
      switch (key.kind) {
        case ast::StickyKey::Kind::Header:
          lowered.sticky = ir::Experiment::Sticky::Header;
          lowered.stickyName = toLowerAscii(key.name.value);
          break;
        case ast::StickyKey::Kind::Cookie:
          lowered.sticky = ir::Experiment::Sticky::Cookie;
          lowered.stickyName = key.name.value;
          break;
        case ast::StickyKey::Kind::Principal:
          lowered.sticky = ir::Experiment::Sticky::Constant;
          lowered.stickyName = caller_.principal;
          break;
      }
    }
    if (!declared->cookies.empty()) {
      const ast::AssignmentCookie& cookie = declared->cookies[0];
      lowered.cookie = cookie.name.value;
      if (cookie.maxAge) lowered.cookieMaxAgeSeconds = cookie.maxAge->milliseconds / 1000;
    }
    return lowered;
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

  // The group's conditions on the request; nullopt when a source condition fails for this
  // workload, so the group never holds here. Source conditions that hold drop out.
  std::optional<ir::Conjunction> lowerGroup(const ast::ConditionGroup& group) {
    ir::Conjunction conjunction;
    for (const ast::Condition& condition : group.conditions) {
      const std::optional<bool> source = sema::sourceConditionHolds(condition, caller_);
      if (!source) {
        conjunction.push_back(lowerCondition(condition));
      } else if (!*source) {
        return std::nullopt;
      }
    }
    return conjunction;
  }

  // A condition on the request (source conditions are decided by lowerGroup).
  ir::Predicate lowerCondition(const ast::Condition& condition) {
    auto decided = [](const char* what) -> ir::Predicate {
      throw std::logic_error(std::string("lowering a decided source condition: ") + what);
    };
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
            [&](const ast::PortMatch& port) -> ir::Predicate {
              return {ir::DestinationPort{}, ir::Equals{std::to_string(port.number)}, false, {}};
            },
            [&](const ast::SourceWorkloadMatch&) { return decided("workload"); },
            [&](const ast::SourceLabelMatch&) { return decided("label"); },
            [&](const ast::SourcePrincipalMatch&) { return decided("principal"); },
        },
        condition.match);
    predicate.negated = predicate.negated != condition.negated;
    predicate.loc = condition.loc;
    return predicate;
  }

  const ast::Policy& policy_;
  sema::SymbolTable symbols_;
  sema::WorkloadIdentity caller_;  // the workload the module is for: every request's source
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
