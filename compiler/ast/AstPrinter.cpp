#include "ast/AstPrinter.h"

#include "support/Overloaded.h"
#include "support/Text.h"

namespace meshc::ast {
namespace {

std::string at(const SourceLoc& loc) {
  return "@" + std::to_string(loc.line) + ":" + std::to_string(loc.column);
}

class Printer {
 public:
  std::string run(const Policy& policy) {
    if (policy.mesh) {
      line(0, "Mesh " + policy.mesh->name.name + " " + at(policy.mesh->loc));
      for (const auto& domain : policy.mesh->trustDomains) {
        line(1, "TrustDomain " + quoted(domain.value) + " " + at(domain.loc));
      }
      for (const SourceLoc& merge : policy.mesh->mergeSlashes) line(1, "MergeSlashes " + at(merge));
      for (const Identifier& action : policy.mesh->encodedSlashes) {
        line(1, "EncodedSlashes " + action.name + " " + at(action.loc));
      }
      for (const Identifier& name : policy.mesh->namespaces) {
        line(1, "Namespace " + name.name + " " + at(name.loc));
      }
      for (const StringLiteral& domain : policy.mesh->clusterDomains) {
        line(1, "ClusterDomain " + quoted(domain.value) + " " + at(domain.loc));
      }
      for (const Identifier& mode : policy.mesh->mtls) {
        line(1, "Mtls " + mode.name + " " + at(mode.loc));
      }
    }
    for (const Service& service : policy.services) printService(service);
    for (const Workload& workload : policy.workloads) printWorkload(workload);
    for (const TestCase& test : policy.tests) printTest(test);
    return out_;
  }

 private:
  void line(int depth, const std::string& text) {
    out_.append(static_cast<size_t>(depth) * 2, ' ');
    out_ += text;
    out_ += '\n';
  }

  void printService(const Service& service) {
    line(0, "Service " + service.name.name + " " + at(service.loc));
    for (const ServicePort& port : service.ports) {
      line(1, "Port " + std::to_string(port.number) +
                  (port.protocol ? " " + port.protocol->name : "") + " " + at(port.loc));
    }
    for (const Identifier& name : service.namespaces) {
      line(1, "Namespace " + name.name + " " + at(name.loc));
    }
    for (const StringLiteral& host : service.hosts) {
      line(1, "Host " + quoted(host.value) + " " + at(host.loc));
    }
    for (const Identifier& mode : service.mtls) line(1, "Mtls " + mode.name + " " + at(mode.loc));
    for (const Subset& subset : service.subsets) {
      line(1, "Subset " + subset.name.name + " " + at(subset.loc));
      for (const auto& endpoint : subset.endpoints) {
        line(2, "Endpoint " + quoted(endpoint.value) + " " + at(endpoint.loc));
      }
    }
    for (const Experiment& experiment : service.experiments) printExperiment(experiment);
    for (const CorsPolicy& policy : service.corsPolicies) printCors(policy);
    for (const Route& route : service.routes) printRoute(route);
  }

  void printCors(const CorsPolicy& policy) {
    line(1, "Cors " + policy.name.name + " " + at(policy.loc));
    for (const CorsList& list : policy.lists) {
      std::string values;
      for (const StringLiteral& value : list.values) values += " " + quoted(value.value);
      line(2, corsListName(list.kind) + values + " " + at(list.loc));
    }
    for (const Duration& maxAge : policy.maxAges) {
      line(2, "MaxAge " + std::to_string(maxAge.milliseconds) + "ms " + at(maxAge.loc));
    }
    for (const SourceLoc& credentials : policy.credentials)
      line(2, "Credentials " + at(credentials));
  }

  static std::string corsListName(CorsList::Kind kind) {
    switch (kind) {
      case CorsList::Kind::Origins:
        return "Origins";
      case CorsList::Kind::Methods:
        return "Methods";
      case CorsList::Kind::Headers:
        return "Headers";
      case CorsList::Kind::Expose:
        return "Expose";
    }
    return "?";
  }

  void printExperiment(const Experiment& experiment) {
    line(1, "Experiment " + experiment.name.name + " " + at(experiment.loc));
    for (const ExperimentVariant& variant : experiment.variants) {
      line(2, "Variant " + variant.name.name + " " + variant.weight.text + " => " +
                  variant.subset.name + " " + at(variant.name.loc));
    }
    for (const StickyKey& key : experiment.stickyKeys) {
      switch (key.kind) {
        case StickyKey::Kind::Header:
          line(2, "StickyHeader " + quoted(key.name.value) + " " + at(key.loc));
          break;
        case StickyKey::Kind::Cookie:
          line(2, "StickyCookie " + quoted(key.name.value) + " " + at(key.loc));
          break;
        case StickyKey::Kind::Principal:
          line(2, "StickyPrincipal " + at(key.loc));
          break;
      }
    }
    for (const AssignmentCookie& cookie : experiment.cookies) {
      line(2, "Cookie " + quoted(cookie.name.value) +
                  (cookie.maxAge ? " " + cookie.maxAge->text : "") + " " + at(cookie.loc));
    }
  }

  void printRoute(const Route& route) {
    line(1, "Route " + at(route.loc));
    for (const Duration& timeout : route.timeouts) {
      line(2, "Timeout " + std::to_string(timeout.milliseconds) + "ms " + at(timeout.loc));
    }
    for (const Identifier& cors : route.cors) line(2, "Cors " + cors.name + " " + at(cors.loc));
    for (const RetrySetting& retry : route.retries) printRetry(2, retry);
    for (const RouteRule& rule : route.rules) {
      line(2, std::string(rule.otherwise ? "Otherwise " : "When ") + at(rule.loc));
      for (const ConditionGroup& group : rule.groups) {
        line(3, "Group " + at(group.loc));
        for (const Condition& condition : group.conditions) printCondition(condition);
      }
      printTarget(rule.target);
      if (rule.timeout) {
        line(3, "Timeout " + std::to_string(rule.timeout->milliseconds) + "ms " +
                    at(rule.timeout->loc));
      }
      for (const RuleSetting& setting : rule.settings) printSetting(setting);
    }
  }

  void printSetting(const RuleSetting& setting) {
    std::visit(
        Overloaded{
            [&](const TimeoutSetting& t) {
              line(3,
                   "Timeout " + std::to_string(t.timeout.milliseconds) + "ms " + at(t.timeout.loc));
            },
            [&](const RewriteSetting& r) {
              line(3, "Rewrite " + rewritePartName(r.part) + " " + quoted(r.value.value) + " " +
                          at(r.loc));
            },
            [&](const HeaderEditSetting& h) {
              line(
                  3,
                  std::string(h.side == HeaderEditSetting::Side::Request ? "Request" : "Response") +
                      "Header " + headerOpName(h.op) + " " + quoted(h.name.value) +
                      (h.op == HeaderEditSetting::Op::Remove ? "" : " " + quoted(h.value.value)) +
                      " " + at(h.loc));
            },
            [&](const RedirectSetting& r) {
              line(3,
                   "Redirect" + redirectPartName(r.part) + " " + quoted(r.value) + " " + at(r.loc));
            },
            [&](const MirrorSetting& m) {
              line(3, "Mirror " + m.target.service.name + "." + m.target.subset.name +
                          (m.percent ? " " + m.percent->text : "") + " " + at(m.loc));
            },
            [&](const CorsSetting& c) { line(3, "Cors " + c.policy.name + " " + at(c.loc)); },
            [&](const RetrySetting& r) { printRetry(3, r); },
        },
        setting);
  }

  void printRetry(int depth, const RetrySetting& retry) {
    line(depth, "Retry " + at(retry.loc));
    for (const RetryAttempts& attempts : retry.attempts) {
      line(depth + 1, "Attempts " + std::to_string(attempts.count) + " " + at(attempts.loc));
    }
    for (const RetryOn& on : retry.on) {
      std::string conditions;
      for (const RetryCondition& condition : on.conditions) conditions += " " + condition.text;
      line(depth + 1, "On" + conditions + " " + at(on.loc));
    }
    for (const Duration& timeout : retry.perTryTimeouts) {
      line(depth + 1,
           "PerTryTimeout " + std::to_string(timeout.milliseconds) + "ms " + at(timeout.loc));
    }
    for (const RetryBackoff& backoff : retry.backoffs) {
      line(depth + 1,
           "Backoff " + std::to_string(backoff.base.milliseconds) + "ms" +
               (backoff.max ? " max " + std::to_string(backoff.max->milliseconds) + "ms" : "") +
               " " + at(backoff.loc));
    }
    for (const Percent& budget : retry.budgets) {
      line(depth + 1, "Budget " + budget.text + " " + at(budget.loc));
    }
    for (const SourceLoc& loc : retry.nonIdempotent) line(depth + 1, "NonIdempotent " + at(loc));
  }

  static std::string rewritePartName(RewriteSetting::Part part) {
    switch (part) {
      case RewriteSetting::Part::Path:
        return "Path";
      case RewriteSetting::Part::Prefix:
        return "Prefix";
      case RewriteSetting::Part::Host:
        return "Host";
    }
    return "?";
  }

  static std::string headerOpName(HeaderEditSetting::Op op) {
    switch (op) {
      case HeaderEditSetting::Op::Set:
        return "Set";
      case HeaderEditSetting::Op::Add:
        return "Add";
      case HeaderEditSetting::Op::Remove:
        return "Remove";
    }
    return "?";
  }

  static std::string redirectPartName(RedirectSetting::Part part) {
    switch (part) {
      case RedirectSetting::Part::Scheme:
        return "Scheme";
      case RedirectSetting::Part::Host:
        return "Host";
      case RedirectSetting::Part::Port:
        return "Port";
      case RedirectSetting::Part::Path:
        return "Path";
      case RedirectSetting::Part::Prefix:
        return "Prefix";
    }
    return "?";
  }

  void printCondition(const Condition& condition) {
    const std::string where = " " + at(condition.loc);
    const std::string negation = condition.negated ? "Not " : "";
    std::visit(Overloaded{
                   [&](const PathMatch& path) {
                     line(4, negation + "Path " + testName(path.test) + " " +
                                 quoted(path.value.value) + where);
                   },
                   [&](const MethodMatch& method) {
                     line(4, negation + "Method " + method.method.name + where);
                   },
                   [&](const HeaderMatch& header) {
                     line(4, negation + "Header " + quoted(header.name.value) + " " +
                                 testOperand(header.test, header.value) + where);
                   },
                   [&](const QueryMatch& query) {
                     line(4, negation + "Query " + quoted(query.name.value) + " " +
                                 testOperand(query.test, query.value) + where);
                   },
                   [&](const PortMatch& port) {
                     line(4, negation + "Port " + std::to_string(port.number) + where);
                   },
                   [&](const SourceWorkloadMatch& source) {
                     line(4, negation + "SourceWorkload " + source.workload.name + where);
                   },
                   [&](const SourceLabelMatch& label) {
                     line(4, negation + "SourceLabel " + quoted(label.name.value) + " " +
                                 testOperand(label.test, label.value) + where);
                   },
                   [&](const SourcePrincipalMatch& principal) {
                     line(4, negation + "SourcePrincipal " +
                                 testOperand(principal.test, principal.value) + where);
                   },
               },
               condition.match);
  }

  static std::string testName(StringTest test) {
    switch (test) {
      case StringTest::Equals:
        return "Equals";
      case StringTest::Prefix:
        return "Prefix";
      case StringTest::StartsWith:
        return "StartsWith";
      case StringTest::Suffix:
        return "Suffix";
      case StringTest::Matches:
        return "Matches";
      case StringTest::Present:
        return "Present";
      case StringTest::Absent:
        return "Absent";
    }
    return "?";
  }

  static std::string testOperand(StringTest test, const StringLiteral& value) {
    if (test == StringTest::Present || test == StringTest::Absent) return testName(test);
    return testName(test) + " " + quoted(value.value);
  }

  void printTarget(const Target& target) {
    std::visit(
        Overloaded{
            [&](const SubsetTarget& subset) {
              line(3, "Target " + subset.subset.name + " " + at(subset.subset.loc));
            },
            [&](const SplitTarget& split) {
              line(3, "Split " + at(split.loc));
              for (const SplitEntry& entry : split.entries) {
                line(4, entry.subset.name + " " + entry.weight.text + " " + at(entry.subset.loc));
              }
            },
            [&](const RedirectTarget& redirect) {
              line(3, "Redirect " + std::to_string(redirect.status) + " " + at(redirect.loc));
            },
            [&](const RespondTarget& respond) {
              line(3, "Respond " + std::to_string(respond.status) +
                          (respond.body ? " " + quoted(respond.body->value) : "") + " " +
                          at(respond.loc));
            },
            [&](const ExperimentTarget& experiment) {
              line(3, "Experiment " + experiment.experiment.name + " " +
                          at(experiment.experiment.loc));
            },
        },
        target);
  }

  void printWorkload(const Workload& workload) {
    line(0, "Workload " + workload.name.name + " " + at(workload.loc));
    for (const auto& service : workload.services) {
      line(1, "Service " + service.name + " " + at(service.loc));
    }
    for (const auto& version : workload.versions) {
      line(1, "Version " + version.name + " " + at(version.loc));
    }
    for (const auto& callee : workload.calls) {
      line(1, "Calls " + callee.name + " " + at(callee.loc));
    }
    for (const WorkloadLabel& label : workload.labels) {
      line(1, "Label " + quoted(label.name.value) + " = " + quoted(label.value.value) + " " +
                  at(label.name.loc));
    }
    for (const Identifier& account : workload.serviceAccounts) {
      line(1, "ServiceAccount " + account.name + " " + at(account.loc));
    }
  }

  static std::string clusterRef(const ClusterRef& ref) {
    return ref.service.name + "." + ref.subset.name + " " + at(ref.service.loc);
  }

  void printTest(const TestCase& test) {
    line(0, "Test " + quoted(test.name.value) + " " + at(test.loc));
    for (const TestRequest& request : test.requests) {
      line(1, "Request from " + request.from.name + " " + request.method.name + " " +
                  quoted(request.url.value) + " " + at(request.loc));
      for (const RequestHeader& header : request.headers) {
        line(2, "Header " + quoted(header.name.value) + " " + quoted(header.value.value) + " " +
                    at(header.name.loc));
      }
      for (const StringLiteral& principal : request.principals) {
        line(2, "Principal " + quoted(principal.value) + " " + at(principal.loc));
      }
    }
    for (const Expectation& expectation : test.expectations) {
      std::visit(
          Overloaded{
              [&](const ExpectRouted& e) {
                line(1, "ExpectRouted " + clusterRef(e.cluster) + " " + at(expectation.loc));
              },
              [&](const ExpectSplit& e) {
                line(1, "ExpectSplit " + at(expectation.loc));
                for (const ExpectShare& share : e.shares) {
                  line(2, clusterRef(share.cluster) + " " + share.share.text);
                }
              },
              [&](const ExpectStatus& e) {
                line(1, "ExpectStatus " + std::to_string(e.status) + " " + at(expectation.loc));
              },
              [&](const ExpectTimeout& e) {
                line(1, "ExpectTimeout " +
                            (e.timeout ? std::to_string(e.timeout->milliseconds) + "ms"
                                       : std::string("none")) +
                            " " + at(expectation.loc));
              },
              [&](const ExpectRedirect& e) {
                line(1, "ExpectRedirect " + quoted(e.location.value) + " " + at(expectation.loc));
              },
              [&](const ExpectUpstreamPath& e) {
                line(1, "ExpectUpstreamPath " + quoted(e.target.value) + " " + at(expectation.loc));
              },
              [&](const ExpectUpstreamHost& e) {
                line(1, "ExpectUpstreamHost " + quoted(e.host.value) + " " + at(expectation.loc));
              },
              [&](const ExpectHeader& e) {
                const bool upstream = e.side == ExpectHeader::Side::kUpstream;
                line(1, std::string(upstream ? "ExpectUpstreamHeader " : "ExpectResponseHeader ") +
                            quoted(e.name.value) + " " +
                            (e.value ? quoted(e.value->value) : std::string("absent")) + " " +
                            at(expectation.loc));
              },
              [&](const ExpectVariant& e) {
                line(1, "ExpectVariant " + e.variant.name + " " + at(expectation.loc));
              },
              [&](const ExpectMirrored& e) {
                line(1, "ExpectMirrored " + clusterRef(e.cluster) +
                            (e.percent ? " " + e.percent->text : "") + " " + at(expectation.loc));
              },
              [&](const ExpectRetries& e) {
                line(1, "ExpectRetries " + std::to_string(e.attempts) + " " + at(expectation.loc));
              },
          },
          expectation.kind);
    }
  }

  std::string out_;
};

}  // namespace

std::string print(const Policy& policy) { return Printer().run(policy); }

}  // namespace meshc::ast
