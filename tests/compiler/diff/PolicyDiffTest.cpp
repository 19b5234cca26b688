// meshc diff against the reference evaluator: random pairs of policies over shared pools of
// strings, and random requests. Every request the two versions decide differently must fall in a
// listed class, and a policy compared with itself has none.

#include <gtest/gtest.h>

#include <random>
#include <set>

#include "RandomRequests.h"
#include "TestPolicies.h"
#include "diff/PolicyDiff.h"
#include "ir/Evaluator.h"
#include "support/Overloaded.h"

namespace meshc::diff {
namespace {

using namespace meshc::codegen::testing;

class RandomPair {
 public:
  explicit RandomPair(uint64_t seed) : rng_(seed) {}

  ir::Module next(uint32_t version) {
    ir::Module module;
    module.workload = "w";
    for (const char* host : {"a", "b"}) {
      ir::Service service;
      service.name = host;
      service.hosts = {host};
      // The main port may change between the versions, and so may the second.
      service.ports = {below(4) == 0 ? 8080u : 80u};
      if (below(2) == 0) service.ports.push_back(service.ports[0] == 80 ? 8080 : 80);
      const uint64_t rules = below(5);
      for (uint64_t r = 0; r < rules; ++r) {
        ir::Rule rule = randomRule();
        rule.loc = {"v" + std::to_string(version), static_cast<uint32_t>(r + 1), 1};
        service.rules.push_back(std::move(rule));
      }
      module.services.push_back(std::move(service));
    }
    module.routableServices = 1 + static_cast<uint32_t>(below(2));
    for (uint32_t c = 0; c < 4; ++c) {
      module.clusters.push_back({module.services[c % 2].name, "s" + std::to_string(c), c % 2, {}});
    }
    return module;
  }

  uint64_t below(uint64_t bound) { return rng_() % bound; }

  std::string pick(const std::vector<std::string>& pool) { return pool[below(pool.size())]; }

  const std::vector<std::string> paths{"/", "/a", "/ab", "/abc", "/b", "/a/b"};
  const std::vector<std::string> segments{"", "/a", "/ab", "/a/b"};
  const std::vector<std::string> methods{"GET", "POST", "PUT"};
  const std::vector<std::string> names{"x-a", "x-b"};
  const std::vector<std::string> values{"", "j", "ja", "jason", "k"};

 private:
  ir::Predicate randomPredicate() {
    ir::Predicate predicate = [&] {
      switch (below(10)) {
        case 0:
          return pathExact(pick(paths));
        case 1:
          return pathPrefix(pick(paths));
        case 2:
          return pathSegmentPrefix(pick(segments));
        case 3:
          return methodIs(pick(methods));
        case 4:
          return headerEquals(pick(names), pick(values));
        case 5:
          return headerPrefix(pick(names), pick(values));
        case 6:
          return queryEquals(pick(names), pick(values));
        case 7:
          return queryPresent(pick(names));
        case 8:
          return ir::Predicate{
              ir::DestinationPort{}, ir::Equals{below(2) == 0 ? "80" : "8080"}, false, {}};
        default:
          return headerPresent(pick(names));
      }
    }();
    return below(5) == 0 ? negated(std::move(predicate)) : predicate;
  }

  ir::Rule randomRule() {
    std::vector<ir::Conjunction> conjunctions(below(4) == 0 ? 2 : 1);
    for (ir::Conjunction& conjunction : conjunctions) {
      const uint64_t count = below(3);
      for (uint64_t p = 0; p < count; ++p) conjunction.push_back(randomPredicate());
    }
    // Targets inside the rule's own service (clusters c with c % 2 == service) are fixed up by
    // the caller's choice of service; here both services' rules name clusters 0/2 or 1/3 alike.
    ir::Target target = below(3) == 0 ? split({{0, 5000}, {2, 5000}}) : forward(below(2) * 2);
    ir::Rule result = rule({}, std::move(target), below(2) * 100);
    result.anyOf = std::move(conjunctions);
    return result;
  }

  std::mt19937_64 rng_;
};

// The rule the evaluator applies, as (file, line) of its location, or ("", 0) for none.
std::pair<std::string, uint32_t> decidingRule(const ir::Module& module,
                                              const mesh_request& request) {
  mesh_route_decision decision{};
  if (ir::evaluateRoute(module, request, decision) != MESH_ROUTE_MATCHED) return {"", 0};
  const SourceLoc& loc = ir::ruleAt(module, decision.rule)->loc;
  return {loc.file, loc.line};
}

TEST(PolicyDiff, APolicyComparedWithItselfHasNoChanges) {
  RandomPair random(1);
  for (int i = 0; i < 200; ++i) {
    const ir::Module module = random.next(0);
    EXPECT_TRUE(diffPolicies({module}, {module}, "").changes.empty()) << "policy " << i;
  }
}

TEST(PolicyDiff, APolicyWithRegexesComparedWithItselfIsDecided) {
  const ir::Module module = matchesPolicy();
  const PolicyDiff result = diffPolicies({module}, {module}, "");
  EXPECT_TRUE(result.changes.empty());
  EXPECT_TRUE(result.notes.empty()) << result.notes.front();
}

TEST(PolicyDiff, EveryRequestDecidedDifferentlyFallsInAListedClass) {
  RandomPair random(20261127);
  int differing = 0;
  for (int i = 0; i < 150; ++i) {
    SCOPED_TRACE("pair " + std::to_string(i) + " of seed 20261127");
    ir::Module before = random.next(1);
    ir::Module after = random.next(2);
    // Both services' clusters: rules of service "b" target clusters 1 and 3.
    for (ir::Module* m : {&before, &after}) {
      for (ir::Rule& rule : m->services[1].rules) {
        std::visit(Overloaded{
                       [](ir::Forward& f) { f.cluster += 1; },
                       [](ir::NoBackend&) {},
                       [](ir::ExperimentTarget&) {},
                       [](ir::Split& s) {
                         for (auto& t : s.targets) t.cluster += 1;
                       },
                   },
                   rule.target);
      }
    }
    const PolicyDiff result = diffPolicies({before}, {after}, "");
    ASSERT_TRUE(result.notes.empty()) << result.notes.front();
    std::set<std::pair<std::pair<std::string, uint32_t>, std::pair<std::string, uint32_t>>> classes;
    for (const ChangedClass& change : result.changes) {
      auto key = [](const std::optional<SourceLoc>& loc) {
        return loc ? std::pair{loc->file, loc->line} : std::pair<std::string, uint32_t>{"", 0};
      };
      classes.insert({key(change.oldRule), key(change.newRule)});
    }
    for (int r = 0; r < 300; ++r) {
      OwnedRequest request;
      const uint32_t ports[] = {0, 80, 8080};
      request.host(random.below(2) == 0 ? "a" : "b")
          .port(ports[random.below(3)])
          .path(random.pick(random.paths) + (random.below(2) == 0   ? ""
                                             : random.below(2) == 0 ? "z"
                                                                    : "/z"))
          .method(random.pick(random.methods));
      for (const std::string& name : random.names) {
        if (random.below(2) == 0) request.header(name, random.pick(random.values));
        if (random.below(2) == 0) request.queryParam(name, random.pick(random.values));
      }
      const auto oldRule = decidingRule(before, request.get());
      const auto newRule = decidingRule(after, request.get());
      auto outcome = [](const ir::Module& m, const mesh_request& req) {
        std::string text;
        mesh_route_decision d{};
        if (ir::evaluateRoute(m, req, d) != MESH_ROUTE_MATCHED) return text;
        const ir::Rule& rule = *ir::ruleAt(m, d.rule);
        std::visit(Overloaded{
                       [&](const ir::Forward& f) { text = m.clusters[f.cluster].name(); },
                       [&](const ir::Split& s) {
                         for (const auto& t : s.targets) {
                           text += m.clusters[t.cluster].name() + std::to_string(t.weight);
                         }
                       },
                       [&](const ir::NoBackend&) { text = "no backend"; },
                       [&](const ir::ExperimentTarget&) { text = "experiment"; },
                   },
                   rule.target);
        for (const ir::Action& a : rule.actions) {
          text += "/" + std::to_string(std::get<ir::RequestTimeout>(a).milliseconds);
        }
        return text;
      };
      if (outcome(before, request.get()) == outcome(after, request.get())) continue;
      ++differing;
      EXPECT_TRUE(classes.count(std::pair{oldRule, newRule}) > 0)
          << "a request decided differently is in no listed class:\n"
          << describe(request.get());
    }
  }
  EXPECT_GT(differing, 1000) << "the random pairs must differ often enough to test anything";
}

// Mirrors are compared by cluster name: a module that lists its clusters in another order mirrors
// the same, and a changed percentage is a change.
TEST(PolicyDiff, MirrorsCompareByClusterNameAndWeight) {
  // Clusters "main" and "shadow", listed in either order.
  auto version = [](bool shadowFirst, uint32_t weight) {
    const uint32_t main = shadowFirst ? 1 : 0;
    const uint32_t shadow = 1 - main;
    ir::Rule mirrored = rule({pathExact("/x")}, forward(main));
    mirrored.actions.push_back(ir::Mirrors{{{shadow, weight}}});
    ir::Module module;
    module.workload = "w";
    module.services.push_back(service("a", {mirrored}));
    module.routableServices = 1;
    module.clusters.resize(2);
    module.clusters[main] = {"a", "main", 0, {}};
    module.clusters[shadow] = {"a", "shadow", 0, {}};
    return module;
  };
  const ir::Module before = version(false, 1000);
  EXPECT_TRUE(diffPolicies({before}, {version(true, 1000)}, "").changes.empty());
  const PolicyDiff changed = diffPolicies({before}, {version(false, 2500)}, "");
  ASSERT_EQ(changed.changes.size(), 1u);
  EXPECT_EQ(changed.changes[0].oldOutcome, "routed to a.main, no timeout, mirror a.shadow 10%");
  EXPECT_EQ(changed.changes[0].newOutcome, "routed to a.main, no timeout, mirror a.shadow 25%");
}

}  // namespace
}  // namespace meshc::diff
