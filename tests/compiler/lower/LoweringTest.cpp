#include <gtest/gtest.h>

#include "compiler/PolicyFixture.h"
#include "ir/DrawInverse.h"
#include "ir/Evaluator.h"
#include "ir/Verifier.h"
#include "lower/Lowering.h"

namespace meshc {
namespace {

constexpr const char* kPolicy = R"(
mesh shop { }
service cart {
  port 8080;
  subset v1 { endpoints ["127.0.0.1:1"]; }
}
service web {
  port 80;
  subset blue { endpoints ["127.0.0.1:2", "127.0.0.1:3"]; }
  subset green { }
  route {
    when header "X-Canary" present => green timeout 5s;
    otherwise => split { blue 75%, green 25% };
    timeout 1s;
  }
}
workload web-blue { service web; version blue; calls cart; }
workload edge { service cart; version v1; calls web, cart; }
)";

TEST(Lowering, SpecialisesEachWorkload) {
  const auto c = testing::check(kPolicy);
  ASSERT_TRUE(c.ok) << c.rendered();
  const auto modules = lower::lowerPolicy(c.policy, "sha256:x");
  ASSERT_EQ(modules.size(), 2u);

  const ir::Module& blue = modules[0];
  EXPECT_EQ(blue.workload, "web-blue");
  EXPECT_EQ(blue.meshName, "shop");
  ASSERT_EQ(blue.services.size(), 2u);  // calls cart, then its own web
  EXPECT_EQ(blue.routableServices, 1u);
  EXPECT_EQ(blue.services[0].name, "cart");
  EXPECT_EQ(blue.localService, 1);
  EXPECT_EQ(blue.clusters.at(blue.localCluster).name(), "web.blue");
  // A single-subset service without a route forwards everything to it.
  ASSERT_EQ(blue.services[0].rules.size(), 1u);
  ASSERT_EQ(blue.services[0].rules[0].anyOf.size(), 1u);
  EXPECT_TRUE(blue.services[0].rules[0].anyOf[0].empty());

  const ir::Module& edge = modules[1];
  EXPECT_EQ(edge.routableServices, 2u);
  EXPECT_EQ(edge.localService, 1);  // cart is both called and its own
  const ir::Service& web = edge.services[0];
  ASSERT_EQ(web.rules.size(), 2u);
  // A rule's own timeout overrides the route's; either becomes the rule's timeout action.
  ASSERT_EQ(web.rules[0].actions.size(), 1u);
  EXPECT_EQ(std::get<ir::RequestTimeout>(web.rules[0].actions[0]).milliseconds, 5000u);
  ASSERT_EQ(web.rules[1].actions.size(), 1u);
  EXPECT_EQ(std::get<ir::RequestTimeout>(web.rules[1].actions[0]).milliseconds, 1000u);
  EXPECT_TRUE(blue.services[0].rules[0].actions.empty());
  const ir::Predicate& canary = web.rules[0].anyOf.at(0).at(0);
  EXPECT_EQ(std::get<ir::HeaderValue>(canary.subject).name, "x-canary");  // matched lower-case
  EXPECT_TRUE(std::holds_alternative<ir::Present>(canary.test));
  const auto& split = std::get<ir::Split>(web.rules[1].target);
  ASSERT_EQ(split.targets.size(), 2u);
  EXPECT_EQ(edge.clusters[split.targets[0].cluster].name(), "web.blue");
  EXPECT_EQ(split.targets[0].weight, 7500u);
  EXPECT_EQ(edge.clusters[0].endpoints.size(), 2u);
}

TEST(Lowering, EvaluatorFollowsTheLoweredRules) {
  const auto c = testing::check(kPolicy);
  ASSERT_TRUE(c.ok);
  const ir::Module edge = lower::lowerPolicy(c.policy, "d")[1];
  auto str = [](const char* s) { return mesh_str{s, std::char_traits<char>::length(s)}; };
  mesh_header headers[] = {{str("x-canary"), str("1")}};
  mesh_request request{};
  request.host = str("web");
  request.path = str("/");
  request.method = str("GET");
  request.headers = headers;
  request.header_count = 1;
  mesh_route_decision decision{};
  ASSERT_EQ(ir::evaluateRoute(edge, request, decision), MESH_ROUTE_MATCHED);
  EXPECT_EQ(edge.clusters[decision.cluster].name(), "web.green");
  EXPECT_EQ(decision.rule, ir::globalRuleIndex(edge, 0, 0));

  request.header_count = 0;
  int blue = 0;
  for (uint64_t ticket = 0; ticket < 10000; ++ticket) {
    request.seed = ir::seedForDraw(MESH_DRAW_SPLIT, ticket);
    ASSERT_EQ(ir::evaluateRoute(edge, request, decision), MESH_ROUTE_MATCHED);
    blue += edge.clusters[decision.cluster].name() == "web.blue";
  }
  EXPECT_EQ(blue, 7500);

  request.host = str("nope");
  EXPECT_EQ(ir::evaluateRoute(edge, request, decision), MESH_ROUTE_NO_SERVICE);
}

// A mirror's service joins the module of every workload whose routes mirror to it, after the
// workload's own service and without becoming routable; no `calls` is needed.
TEST(Lowering, MirroredServicesJoinTheModuleWithoutBecomingRoutable) {
  const auto c = testing::check(R"(
mesh shop { }
service web {
  port 80;
  subset blue { endpoints ["127.0.0.1:2"]; }
  route {
    when path prefix "/pay" => blue { mirror shadow.next 12.5%; mirror web.blue; }
    otherwise => blue;
  }
}
service shadow {
  port 81;
  subset next { endpoints ["127.0.0.1:4"]; }
  subset old { }
}
service edge { port 82; subset v1 { } }
workload edge-v1 { service edge; version v1; calls web; }
)");
  ASSERT_TRUE(c.ok) << c.rendered();
  const ir::Module module = lower::lowerWorkload(c.policy, c.policy.workloads[0], "sha256:x");
  ASSERT_EQ(module.services.size(), 3u);
  EXPECT_EQ(module.services[0].name, "web");
  EXPECT_EQ(module.services[1].name, "edge");
  EXPECT_EQ(module.services[2].name, "shadow");
  EXPECT_EQ(module.routableServices, 1u);
  EXPECT_EQ(module.localService, 1);
  EXPECT_TRUE(module.services[2].rules.empty());
  const ir::Rule& pay = module.services[0].rules.at(0);
  ASSERT_EQ(pay.actions.size(), 1u);
  const auto& mirrors = std::get<ir::Mirrors>(pay.actions[0]);
  ASSERT_EQ(mirrors.targets.size(), 2u);
  EXPECT_EQ(module.clusters.at(mirrors.targets[0].cluster).name(), "shadow.next");
  EXPECT_EQ(mirrors.targets[0].weight, 1250u);
  EXPECT_EQ(module.clusters.at(mirrors.targets[1].cluster).name(), "web.blue");
  EXPECT_EQ(mirrors.targets[1].weight, ir::kWeightTotal);
  EXPECT_EQ(module.clusters.at(2).endpoints, std::vector<std::string>{"127.0.0.1:4"});
}

// A rule's own retry block replaces its route's whole (no field is merged); `attempts 0` turns the
// route's off; a rule without backends takes none. Unset fields get Envoy's defaults.
TEST(Lowering, RetryPoliciesComeFromTheRuleElseTheRoute) {
  const auto c = testing::check(R"(
mesh shop { }
service web {
  port 80;
  subset blue { endpoints ["127.0.0.1:2"]; }
  route {
    when path prefix "/pay" => blue {
      retry { attempts 3; on 503, reset, 429, 5xx, 503; per_try_timeout 500ms; backoff 10ms;
              budget 12.5%; non_idempotent; }
    }
    when path prefix "/once" => blue { retry { attempts 0; } }
    when path == "/old" => redirect 301 { path "/new"; }
    when path prefix "/slow" => blue { timeout 5s; retry { attempts 1; backoff 3h; } }
    otherwise => blue;
    timeout 2s;
    retry { attempts 2; backoff 5ms max 40ms; }
  }
}
workload edge { service web; version blue; calls web; }
)");
  ASSERT_TRUE(c.ok) << c.rendered();
  const ir::Module module = lower::lowerWorkload(c.policy, c.policy.workloads[0], "sha256:x");
  const std::vector<ir::Rule>& rules = module.services.at(0).rules;
  ASSERT_EQ(rules.size(), 5u);

  // After the timeout, before everything else (ir::Action's order).
  ASSERT_EQ(rules[0].actions.size(), 2u);
  EXPECT_EQ(std::get<ir::RequestTimeout>(rules[0].actions[0]).milliseconds, 2000u);
  const auto& pay = std::get<ir::RetryPolicy>(rules[0].actions[1]);
  EXPECT_EQ(pay.attempts, 3u);
  EXPECT_EQ(pay.reasons,
            (std::vector<ir::RetryReason>{ir::RetryReason::ServerError, ir::RetryReason::Reset}));
  EXPECT_EQ(pay.statuses, (std::vector<uint32_t>{429, 503}));
  EXPECT_EQ(pay.perTryTimeoutMs, 500u);
  EXPECT_EQ(pay.backoffBaseMs, 10u);
  EXPECT_EQ(pay.backoffMaxMs, 100u);
  EXPECT_EQ(pay.budget, 1250u);
  EXPECT_TRUE(pay.nonIdempotent);

  ASSERT_EQ(rules[1].actions.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<ir::RequestTimeout>(rules[1].actions[0]));

  for (const ir::Action& action : rules[2].actions) {
    EXPECT_FALSE(std::holds_alternative<ir::RetryPolicy>(action));
  }

  const auto& slow = std::get<ir::RetryPolicy>(rules[3].actions.at(1));
  EXPECT_EQ(slow.reasons, std::vector<ir::RetryReason>{ir::RetryReason::GatewayError});
  EXPECT_TRUE(slow.statuses.empty());
  EXPECT_EQ(slow.perTryTimeoutMs, 0u);
  EXPECT_EQ(slow.backoffBaseMs, 3u * 3600 * 1000);
  EXPECT_EQ(slow.backoffMaxMs, 24u * 3600 * 1000);  // ten times the base, within 24h
  EXPECT_EQ(slow.budget, 2000u);
  EXPECT_FALSE(slow.nonIdempotent);

  const auto& fallback = std::get<ir::RetryPolicy>(rules[4].actions.at(1));
  EXPECT_EQ(fallback.attempts, 2u);
  EXPECT_EQ(fallback.reasons, std::vector<ir::RetryReason>{ir::RetryReason::GatewayError});
  EXPECT_EQ(fallback.backoffBaseMs, 5u);
  EXPECT_EQ(fallback.backoffMaxMs, 40u);
  EXPECT_TRUE(ir::verify(module).empty());
}

}  // namespace
}  // namespace meshc
