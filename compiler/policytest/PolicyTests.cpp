#include "policytest/PolicyTests.h"

#include <algorithm>

#include "codegen/Codegen.h"
#include "core/ModuleCheck.h"
#include "policy/RegexSet.h"
#include "policytest/RequestSpec.h"
#include "policytest/RuleEffects.h"
#include "support/Overloaded.h"
#include "support/Text.h"

namespace meshc::policytest {
namespace {

std::string clusterName(const ast::ClusterRef& ref) {
  return ref.service.name + "." + ref.subset.name;
}

}  // namespace

size_t Coverage::reachedCount() const {
  return static_cast<size_t>(
      std::count_if(items.begin(), items.end(), [](const Item& item) { return item.reached; }));
}

double Coverage::percent() const {
  return items.empty() ? 100.0 : 100.0 * static_cast<double>(reachedCount()) / items.size();
}

struct PolicyTests::Workload {
  const ir::Module* module = nullptr;
  std::unique_ptr<codegen::JitModule> jit;
  std::unique_ptr<mesh::RuleTable> rules;
  std::unique_ptr<mesh::RegexSet> regexes;
};

PolicyTests::PolicyTests(const ast::Policy& policy, std::vector<ir::Module> modules)
    : policy_(policy), modules_(std::move(modules)) {}

PolicyTests::~PolicyTests() = default;

PolicyTests::Workload& PolicyTests::workload(const std::string& name) {
  auto& slot = compiled_[name];
  if (slot) return *slot;
  const auto module = std::find_if(modules_.begin(), modules_.end(),
                                   [&](const ir::Module& m) { return m.workload == name; });
  if (module == modules_.end()) throw std::logic_error("test from an unchecked workload " + name);
  slot = std::make_unique<Workload>();
  slot->module = &*module;
  slot->jit = codegen::JitModule::create(*module);
  // What a sidecar checks before it starts: a module it would refuse is a compiler bug.
  if (const std::string problem = mesh::checkModule(slot->jit->module()); !problem.empty()) {
    throw std::logic_error("internal error: the sidecar would refuse workload " + name +
                           "'s module: " + problem);
  }
  slot->rules = std::make_unique<mesh::RuleTable>(slot->jit->module());
  slot->regexes = std::make_unique<mesh::RegexSet>(slot->jit->module().regexes,
                                                   slot->jit->module().regex_count);
  return *slot;
}

std::vector<TestResult> PolicyTests::run(const std::optional<std::regex>& filter) {
  std::vector<TestResult> results;
  for (const ast::TestCase& test : policy_.tests) {
    if (filter && !std::regex_search(test.name.value, *filter)) continue;
    results.push_back(runOne(test));
  }
  return results;
}

TestResult PolicyTests::runOne(const ast::TestCase& test) {
  TestResult result;
  result.name = test.name.value;
  result.loc = test.loc;
  const ast::TestRequest& given = test.requests.at(0);
  Workload& target = workload(given.from.name);
  const ir::Module& module = *target.module;

  RequestSpec spec{given.method.name, given.url.value, {}, {}};
  for (const ast::RequestHeader& header : given.headers) {
    spec.headers.emplace_back(header.name.value, header.value.value);
  }
  if (!given.principals.empty()) spec.principal = given.principals[0].value;
  SpecRequest builder(target.jit->module(), target.regexes->matcher());
  mesh_request request;
  // A request the sidecar refuses before any policy runs: it answers 400 itself.
  const mesh::RequestProblem problem = builder.build(spec, request);
  const bool wellFormed = problem == mesh::RequestProblem::kNone;
  Outcome outcome;
  if (wellFormed) {
    outcome = decide(module, target.jit->module(), *target.rules, request);
    result.actual = describeDestination(module, request, outcome);
  } else {
    result.actual = "400: " + std::string(mesh::describe(problem));
  }
  const bool ruleMatched =
      outcome.kind == Outcome::Kind::Routed || outcome.kind == Outcome::Kind::Answered;
  if (wellFormed && ruleMatched) {
    result.decidingRule = std::string(outcome.settings.location);
    result.actual += " by the rule at " + result.decidingRule;
    if (outcome.kind == Outcome::Kind::Routed) {
      result.actual += ", " + describeTimeout(outcome.settings.timeoutMs);
      if (outcome.assignment) result.actual += "; " + describeAssignment(outcome);
      const std::string mirrors = describeMirrors(module, outcome.settings);
      if (!mirrors.empty()) result.actual += ", mirror " + mirrors;
    }
    reachedRules_[result.decidingRule] = true;
    for (const auto& [cluster, share] : outcome.shares) {
      reachedBranches_[{result.decidingRule, module.clusters.at(cluster).name()}] = true;
    }
  }

  std::map<std::string, uint32_t> shares;
  for (const auto& [cluster, share] : outcome.shares)
    shares[module.clusters.at(cluster).name()] = share;
  const bool routed = wellFormed && outcome.kind == Outcome::Kind::Routed;
  // What the sidecar answers itself: 400 before routing, 404 when routing finds nothing, and what
  // a rule without backends says.
  unsigned localStatus = 0;
  if (!wellFormed) {
    localStatus = 400;
  } else {
    switch (outcome.kind) {
      case Outcome::Kind::Routed:
        break;
      case Outcome::Kind::Answered:
        localStatus = outcome.answerStatus;
        break;
      case Outcome::Kind::NoService:
      case Outcome::Kind::NoRule:
        localStatus = 404;
        break;
    }
  }
  // What the deciding rule does to the request: its redirect, the request it forwards, its
  // response edits.
  std::optional<RuleEffects> effects;
  if (wellFormed && ruleMatched) {
    effects = ruleEffects(outcome, request, builder.forwarded(), builder.headers());
  }
  // Why an expectation of the forwarded request cannot hold.
  const std::string notForwarded =
      localStatus == 0 ? std::string()
                       : "not forwarded: the sidecar answers " + std::to_string(localStatus);
  const ForwardedRequest* upstream = effects && effects->upstream ? &*effects->upstream : nullptr;
  for (const ast::Expectation& expectation : test.expectations) {
    std::string expected;
    std::string actual;  // for the expectations the decision line does not show
    const bool met = std::visit(
        Overloaded{
            [&](const ast::ExpectRouted& e) {
              expected = "routed to " + clusterName(e.cluster);
              return routed && shares == std::map<std::string, uint32_t>{
                                             {clusterName(e.cluster), ir::kWeightTotal}};
            },
            [&](const ast::ExpectSplit& e) {
              std::map<std::string, uint32_t> want;
              expected = "split";
              for (const ast::ExpectShare& share : e.shares) {
                if (share.share.basisPoints > 0) {
                  want[clusterName(share.cluster)] = share.share.basisPoints;
                }
                expected += (expected == "split" ? " " : ", ") + clusterName(share.cluster) + " " +
                            formatPercent(share.share.basisPoints);
              }
              return routed && shares == want;
            },
            [&](const ast::ExpectStatus& e) {
              expected = "status " + std::to_string(e.status) + " from the sidecar";
              return e.status == localStatus;
            },
            [&](const ast::ExpectTimeout& e) {
              const uint64_t ms = e.timeout ? e.timeout->milliseconds : 0;
              expected = describeTimeout(ms);
              return routed && outcome.settings.timeoutMs == ms;
            },
            [&](const ast::ExpectRetries& e) {
              expected = e.attempts == 0   ? std::string("no retries")
                         : e.attempts == 1 ? std::string("1 retry attempt")
                                           : std::to_string(e.attempts) + " retry attempts";
              if (!routed) {
                actual = notForwarded;
                return false;
              }
              const ir::RetryPolicy* retry = retryPolicyOf(*ir::ruleAt(module, outcome.rule));
              actual = retry ? describeRetries(*retry) : "no retry policy";
              return (retry ? retry->attempts : 0) == e.attempts;
            },
            [&](const ast::ExpectVariant& e) {
              expected = "variant " + e.variant.name + " of an experiment";
              return routed && outcome.variants == std::map<std::string, uint32_t>{
                                                       {e.variant.name, ir::kWeightTotal}};
            },
            [&](const ast::ExpectRedirect& e) {
              expected = "redirect to " + quoted(e.location.value);
              if (effects && effects->location) {
                actual = quoted(*effects->location);
                return *effects->location == e.location.value;
              }
              actual = localStatus == 0
                           ? "no redirect: the request is forwarded"
                           : "no redirect: the sidecar answers " + std::to_string(localStatus);
              return false;
            },
            [&](const ast::ExpectUpstreamPath& e) {
              expected = "upstream path " + quoted(e.target.value);
              actual = upstream ? quoted(upstream->target) : notForwarded;
              return upstream && upstream->target == e.target.value;
            },
            [&](const ast::ExpectUpstreamHost& e) {
              expected = "upstream host " + quoted(e.host.value);
              const auto host = upstream ? upstream->headers.value("host") : std::nullopt;
              actual = !upstream ? notForwarded : host ? quoted(*host) : "no host";
              return host == e.host.value;
            },
            [&](const ast::ExpectHeader& e) {
              const std::string& name = e.name.value;
              const std::string want = e.value ? "= " + quoted(e.value->value) : "absent";
              if (e.side == ast::ExpectHeader::Side::kUpstream) {
                expected = "upstream header " + quoted(name) + " " + want;
                if (!upstream) {
                  actual = notForwarded;
                  return false;
                }
                const auto value = upstream->headers.value(name);
                actual = value ? describeHeaderValue(*value) : "absent";
                return e.value ? value == e.value->value : !value;
              }
              expected = "response header " + quoted(name) + " " + want;
              if (!effects) {
                actual = "no rule decided the request, so no rule's edits apply";
                return false;
              }
              const ResponseHeaderEdits::Header header = effects->response.header(name);
              if (header.keepsResponseValue) {
                actual = header.added.empty()
                             ? "no edit of it: whatever the response carries"
                             : "whatever the response carries, then " + quoted(header.joined());
                return false;
              }
              actual = header.added.empty() ? "absent" : quoted(header.joined());
              return e.value ? !header.added.empty() && header.joined() == e.value->value
                             : header.added.empty();
            },
            [&](const ast::ExpectMirrored& e) {
              const uint32_t weight = e.percent ? e.percent->basisPoints : ir::kWeightTotal;
              expected = "mirror " + clusterName(e.cluster) + " " + formatPercent(weight);
              return routed &&
                     std::any_of(outcome.settings.mirrors.begin(), outcome.settings.mirrors.end(),
                                 [&](const mesh::Mirror& mirror) {
                                   return module.clusters.at(mirror.cluster).name() ==
                                              clusterName(e.cluster) &&
                                          mirror.weight == weight;
                                 });
            },
        },
        expectation.kind);
    if (!met) {
      result.verdict = TestResult::Verdict::Fail;
      result.failures.push_back(locationText(expectation.loc) + ": expected " + expected +
                                (actual.empty() ? "" : "; actual: " + actual));
    }
  }
  return result;
}

Coverage PolicyTests::coverage() const {
  // Every rule of every service some workload may call, once, with its split branches.
  std::map<std::string, Coverage::Item> rules;
  std::map<std::pair<std::string, std::string>, Coverage::Item> branches;
  for (const ir::Module& module : modules_) {
    for (uint32_t s = 0; s < module.routableServices; ++s) {
      for (const ir::Rule& rule : module.services[s].rules) {
        const std::string key = locationText(rule.loc);
        const auto reached = reachedRules_.find(key);
        rules.emplace(key, Coverage::Item{"rule", rule.loc, reached != reachedRules_.end()});
        std::visit(Overloaded{
                       [](const ir::Forward&) {},
                       [&](const ir::Split& split) {
                         for (const ir::WeightedCluster& target : split.targets) {
                           if (target.weight == 0) continue;
                           const std::string cluster = module.clusters[target.cluster].name();
                           const bool hit = reachedBranches_.count({key, cluster}) > 0;
                           branches.emplace(
                               std::pair{key, cluster},
                               Coverage::Item{"split branch " + cluster, rule.loc, hit});
                         }
                       },
                       [](const ir::NoBackend&) {},
                       [&](const ir::ExperimentTarget&) {
                         for (const ir::Action& action : rule.actions) {
                           const auto* experiment = std::get_if<ir::Experiment>(&action);
                           if (experiment == nullptr) continue;
                           for (const ir::Variant& variant : experiment->variants) {
                             if (variant.weight == 0) continue;
                             const std::string cluster = module.clusters[variant.cluster].name();
                             const bool hit = reachedBranches_.count({key, cluster}) > 0;
                             branches.emplace(
                                 std::pair{key, cluster},
                                 Coverage::Item{"variant " + variant.name + " (" + cluster + ")",
                                                rule.loc, hit});
                           }
                         }
                       },
                   },
                   rule.target);
      }
    }
  }
  Coverage coverage;
  for (auto& [key, item] : rules) coverage.items.push_back(item);
  for (auto& [key, item] : branches) coverage.items.push_back(item);
  std::stable_sort(coverage.items.begin(), coverage.items.end(), [](const auto& a, const auto& b) {
    return std::tie(a.loc.file, a.loc.line, a.loc.column) <
           std::tie(b.loc.file, b.loc.line, b.loc.column);
  });
  return coverage;
}

}  // namespace meshc::policytest
