#include "ir/Verifier.h"

#include <algorithm>
#include <cctype>
#include <functional>
#include <set>

#include "policy/Cors.h"
#include "support/Overloaded.h"
#include "support/Text.h"

namespace meshc::ir {
namespace {

class ModuleVerifier {
 public:
  explicit ModuleVerifier(const Module& module) : module_(module) {}

  std::vector<std::string> run() {
    if (module_.routableServices > module_.services.size()) {
      fail("routableServices " + std::to_string(module_.routableServices) + " exceeds " +
           std::to_string(module_.services.size()) + " services");
    }
    if (module_.localService >= 0 &&
        static_cast<size_t>(module_.localService) >= module_.services.size()) {
      fail("localService out of range");
    }
    if (module_.localCluster >= 0 &&
        (static_cast<size_t>(module_.localCluster) >= module_.clusters.size() ||
         static_cast<int32_t>(module_.clusters[module_.localCluster].serviceIndex) !=
             module_.localService)) {
      fail("localCluster out of range or not a subset of localService");
    }
    for (size_t c = 0; c < module_.clusters.size(); ++c) {
      if (module_.clusters[c].serviceIndex >= module_.services.size()) {
        fail("cluster #" + std::to_string(c) + " names service out of range");
      }
    }
    for (size_t s = 0; s < module_.services.size(); ++s) {
      const Service& service = module_.services[s];
      where_ = "service " + service.name + ": ";
      verifyAddress(service);
      for (size_t r = 0; r < service.rules.size(); ++r) {
        where_ = "service " + service.name + " rule #" + std::to_string(r) + ": ";
        verifyRule(s, service.rules[r]);
      }
    }
    return std::move(problems_);
  }

 private:
  void fail(const std::string& problem) { problems_.push_back(where_ + problem); }

  void verifyAddress(const Service& service) {
    if (service.hosts.empty()) fail("no hosts");
    for (const std::string& host : service.hosts) {
      const bool lower = std::none_of(host.begin(), host.end(), [](char c) {
        return std::isupper(static_cast<unsigned char>(c));
      });
      if (host.empty() || !lower || host.find(':') != std::string::npos) {
        fail("host \"" + host + "\" is empty, not lower-case or has a port");
      }
    }
    if (service.ports.empty()) fail("no ports");
    for (uint32_t port : service.ports) {
      if (port == 0 || port > 65535) fail("port " + std::to_string(port) + " out of range");
    }
    // abi.h promises the runtime a sorted list without repeats.
    if (std::adjacent_find(service.principals.begin(), service.principals.end(),
                           std::greater_equal<>()) != service.principals.end()) {
      fail("principals not sorted and distinct");
    }
  }

  // A port is compared as a number, so only with `==` and a port number in canonical decimal.
  void verifyPortTest(const Test& test) {
    const auto* equals = std::get_if<Equals>(&test);
    const bool number = equals != nullptr && !equals->value.empty() && equals->value.size() <= 5 &&
                        equals->value.front() != '0' &&
                        std::all_of(equals->value.begin(), equals->value.end(),
                                    [](char c) { return c >= '0' && c <= '9'; }) &&
                        std::stoul(equals->value) <= 65535;
    if (!number) fail("a port test other than == PORT");
  }

  void verifyCluster(size_t service, uint32_t cluster) {
    if (cluster >= module_.clusters.size()) {
      fail("cluster #" + std::to_string(cluster) + " out of range");
    } else if (module_.clusters[cluster].serviceIndex != service) {
      fail("cluster " + module_.clusters[cluster].name() + " belongs to another service");
    }
  }

  void verifyHeaderName(const std::string& name) {
    const bool lower = std::none_of(name.begin(), name.end(), [](char c) {
      return std::isupper(static_cast<unsigned char>(c));
    });
    if (name.empty() || !lower) fail("header name \"" + name + "\" is empty or not lower-case");
  }

  void verifyPredicate(const Predicate& predicate) {
    const bool path = std::holds_alternative<RequestPath>(predicate.subject);
    const bool optional = std::visit(Overloaded{
                                         [](const RequestPath&) { return false; },
                                         [](const RequestMethod&) { return false; },
                                         [&](const HeaderValue& h) {
                                           verifyHeaderName(h.name);
                                           return true;
                                         },
                                         [&](const QueryValue& q) {
                                           if (q.name.empty()) fail("empty query parameter name");
                                           return true;
                                         },
                                         [&](const DestinationPort&) {
                                           verifyPortTest(predicate.test);
                                           return false;
                                         },
                                     },
                                     predicate.subject);
    std::visit(Overloaded{
                   [](const Equals&) {},
                   [](const Prefix&) {},
                   [&](const SegmentPrefix& t) {
                     if (!path) fail("segment prefix of something other than the path");
                     if (!t.value.empty() && t.value.back() == '/') {
                       fail("segment prefix \"" + t.value + "\" ends in '/'");
                     }
                   },
                   [](const Suffix&) {},
                   [&](const Regex& t) {
                     if (t.index >= module_.regexes.size()) {
                       fail("regex #" + std::to_string(t.index) + " out of range");
                     }
                   },
                   [&](const Present&) {
                     if (!optional) fail("presence test of a subject every request has");
                   },
               },
               predicate.test);
  }

  void verifyRule(size_t service, const Rule& rule) {
    for (const Conjunction& conjunction : rule.anyOf) {
      for (const Predicate& predicate : conjunction) verifyPredicate(predicate);
    }
    const bool backends = std::visit(Overloaded{
                                         [&](const Forward& forward) {
                                           verifyCluster(service, forward.cluster);
                                           return true;
                                         },
                                         [&](const Split& split) {
                                           verifySplit(service, split);
                                           return true;
                                         },
                                         [](const NoBackend&) { return false; },
                                         [](const ExperimentTarget&) { return true; },
                                     },
                                     rule.target);
    verifyActions(rule.actions, backends);
    const bool experiment =
        std::any_of(rule.actions.begin(), rule.actions.end(),
                    [](const Action& a) { return std::holds_alternative<Experiment>(a); });
    if (experiment != std::holds_alternative<ExperimentTarget>(rule.target)) {
      fail("an experiment action without an experiment target, or the reverse");
    }
    for (const Action& action : rule.actions) {
      if (const auto* e = std::get_if<Experiment>(&action)) verifyExperiment(service, *e);
    }
  }

  void verifyExperiment(size_t service, const Experiment& experiment) {
    if (experiment.name.empty()) fail("an experiment without a name");
    if (experiment.variants.empty()) fail("an experiment without variants");
    if ((experiment.sticky == Experiment::Sticky::None) != experiment.stickyName.empty()) {
      fail("a sticky key without a name, or a name without a sticky key");
    }
    uint64_t total = 0;
    std::set<std::string> names;
    for (const Variant& variant : experiment.variants) {
      verifyCluster(service, variant.cluster);
      if (variant.name.empty() || !names.insert(variant.name).second) {
        fail("variant name \"" + variant.name + "\" empty or repeated");
      }
      total += variant.weight;
    }
    if (total != kWeightTotal) fail("variant weights total " + std::to_string(total));
  }

  void verifySplit(size_t service, const Split& split) {
    if (split.targets.empty()) fail("split without targets");
    uint64_t total = 0;
    for (const WeightedCluster& target : split.targets) {
      verifyCluster(service, target.cluster);
      total += target.weight;
    }
    if (total != kWeightTotal) {
      fail("split weights total " + std::to_string(total) + ", not " +
           std::to_string(kWeightTotal));
    }
  }

  // One action of each kind at most, in variant order: the runtime applies them in the order given,
  // and a second of the same kind would silently override the first.
  // Actions that shape what is forwarded need backends; the sidecar's own answers exclude them.
  void verifyActions(const std::vector<Action>& actions, bool backends) {
    size_t previous = 0;
    size_t answers = 0;
    auto needsBackends = [&](const char* what) {
      if (!backends) fail(std::string(what) + " on a rule without backends");
    };
    auto answer = [&](const char* what) {
      if (backends) fail(std::string(what) + " on a rule with backends");
      ++answers;
    };
    for (size_t a = 0; a < actions.size(); ++a) {
      const size_t kind = actions[a].index();
      if (a > 0 && kind <= previous) fail("actions repeated or out of order");
      previous = kind;
      std::visit(Overloaded{
                     [&](const RequestTimeout& t) {
                       needsBackends("a timeout");
                       if (t.milliseconds == 0) fail("timeout of 0 ms (omit the action instead)");
                     },
                     [&](const RetryPolicy& r) {
                       needsBackends("a retry policy");
                       verifyRetry(r);
                     },
                     [&](const RequestHeaderEdits& e) {
                       needsBackends("request header edits");
                       verifyEdits(e.edits);
                     },
                     [&](const ResponseHeaderEdits& e) { verifyEdits(e.edits); },
                     [&](const DirectResponse& d) {
                       answer("a direct response");
                       if (d.status < 200 || d.status > 599)
                         fail("direct response status out of range");
                     },
                     [&](const Redirect& r) {
                       answer("a redirect");
                       if (r.status != 301 && r.status != 302 && r.status != 303 &&
                           r.status != 307 && r.status != 308) {
                         fail("redirect status " + std::to_string(r.status));
                       }
                       if (!r.scheme.empty() && r.scheme != "http" && r.scheme != "https") {
                         fail("redirect scheme " + r.scheme);
                       }
                       if (r.port > 65535) fail("redirect port out of range");
                       verifyPath(r.path);
                     },
                     [&](const Rewrite& r) {
                       needsBackends("a rewrite");
                       verifyPath(r.path);
                     },
                     [&](const Experiment&) { needsBackends("an experiment"); },
                     [&](const Cors& c) { verifyCors(c); },
                     [&](const Mirrors& m) {
                       needsBackends("mirrors");
                       verifyMirrors(m);
                     },
                 },
                 actions[a]);
    }
    if (answers > 1) fail("both a redirect and a direct response");
  }

  // The runtime refuses a module whose origins it cannot read (policy/Cors.h), so meshc must
  // never emit one.
  void verifyCors(const Cors& cors) {
    if (cors.origins.empty()) fail("a CORS policy without origins");
    for (const std::string& origin : cors.origins) {
      mesh::OriginPattern pattern;
      if (const std::string problem = mesh::parseOriginPattern(origin, pattern); !problem.empty()) {
        fail("CORS origin: " + problem);
      }
    }
    for (const std::string* value : {&cors.allowMethods, &cors.allowHeaders, &cors.exposeHeaders}) {
      if (hasControlCharacter(*value)) fail("a CORS value with a control character");
    }
  }

  // What abi.h promises the runtime of a mesh_retry; no retries at all is no action.
  void verifyRetry(const RetryPolicy& retry) {
    if (retry.attempts < 1 || retry.attempts > 10) {
      fail("retry attempts " + std::to_string(retry.attempts) + " not within 1-10");
    }
    if (std::adjacent_find(retry.reasons.begin(), retry.reasons.end(), std::greater_equal<>()) !=
        retry.reasons.end()) {
      fail("retry reasons not distinct and in order");
    }
    if (std::adjacent_find(retry.statuses.begin(), retry.statuses.end(), std::greater_equal<>()) !=
        retry.statuses.end()) {
      fail("retried statuses not ascending and distinct");
    }
    for (uint32_t status : retry.statuses) {
      if (status < 100 || status > 599) fail("retried status " + std::to_string(status));
    }
    if (retry.backoffBaseMs == 0 || retry.backoffMaxMs < retry.backoffBaseMs) {
      fail("retry backoff base 0 or above its maximum");
    }
    if (retry.budget == 0 || retry.budget > kWeightTotal) {
      fail("retry budget " + std::to_string(retry.budget) + " not within 1-" +
           std::to_string(kWeightTotal));
    }
  }

  // A mirror may target any service's cluster; a cluster mirrored twice would be sent two copies.
  void verifyMirrors(const Mirrors& mirrors) {
    if (mirrors.targets.empty()) fail("mirrors without targets");
    for (size_t i = 0; i < mirrors.targets.size(); ++i) {
      const MirrorTarget& target = mirrors.targets[i];
      if (target.cluster >= module_.clusters.size()) {
        fail("mirror cluster #" + std::to_string(target.cluster) + " out of range");
      }
      if (target.weight == 0 || target.weight > kWeightTotal) {
        fail("mirror weight " + std::to_string(target.weight) + " not within 1-" +
             std::to_string(kWeightTotal));
      }
      for (size_t j = 0; j < i; ++j) {
        if (mirrors.targets[j].cluster == target.cluster) fail("a cluster mirrored twice");
      }
    }
  }

  void verifyEdits(const std::vector<HeaderEdit>& edits) {
    for (const HeaderEdit& edit : edits) {
      verifyHeaderName(edit.name);
      if (edit.op == HeaderEdit::Op::Remove && !edit.value.empty()) fail("a removal with a value");
    }
  }

  void verifyPath(const PathRewrite& path) {
    switch (path.kind) {
      case PathRewrite::Kind::Keep:
        return;
      case PathRewrite::Kind::Full:
        if (path.value.empty() || path.value.front() != '/') fail("a new path without a '/'");
        return;
      case PathRewrite::Kind::Prefix:
        if (path.value.empty() || path.value.front() != '/') fail("a new prefix without a '/'");
        if (!path.prefix.empty() && path.prefix.back() == '/')
          fail("a replaced prefix ends in '/'");
        return;
    }
  }

  const Module& module_;
  std::string where_;
  std::vector<std::string> problems_;
};

}  // namespace

std::vector<std::string> verify(const Module& module) { return ModuleVerifier(module).run(); }

}  // namespace meshc::ir
