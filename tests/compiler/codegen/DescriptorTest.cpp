// The constant tables of a compiled module, read back through the ABI as the runtime reads them.

#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <string>
#include <variant>

#include "RoutingTestSupport.h"
#include "TestPolicies.h"
#include "codegen/Codegen.h"
#include "ir/Verifier.h"
#include "support/Overloaded.h"

namespace meshc::codegen::testing {
namespace {

void expectEdits(const void* config, const std::vector<ir::HeaderEdit>& edits) {
  const auto* table = static_cast<const mesh_header_edits*>(config);
  ASSERT_EQ(table->count, edits.size());
  for (size_t e = 0; e < edits.size(); ++e) {
    EXPECT_EQ(std::string(table->edits[e].name), edits[e].name);
    EXPECT_EQ(std::string(table->edits[e].value), edits[e].value);
    const uint32_t op = edits[e].op == ir::HeaderEdit::Op::Set   ? MESH_HEADER_SET
                        : edits[e].op == ir::HeaderEdit::Op::Add ? MESH_HEADER_ADD
                                                                 : MESH_HEADER_REMOVE;
    EXPECT_EQ(table->edits[e].op, op);
  }
}

void expectPath(const mesh_path_rewrite& path, const ir::PathRewrite& source) {
  const uint32_t kind = source.kind == ir::PathRewrite::Kind::Keep   ? MESH_PATH_KEEP
                        : source.kind == ir::PathRewrite::Kind::Full ? MESH_PATH_FULL
                                                                     : MESH_PATH_PREFIX;
  EXPECT_EQ(path.kind, kind);
  EXPECT_EQ(std::string(path.value), source.value);
  EXPECT_EQ(std::string(path.prefix), source.prefix);
}

void expectRetry(const mesh_retry& config, const ir::RetryPolicy& retry) {
  EXPECT_EQ(config.attempts, retry.attempts);
  uint32_t conditions = 0;
  for (ir::RetryReason reason : retry.reasons) {
    switch (reason) {
      case ir::RetryReason::ServerError:
        conditions |= MESH_RETRY_5XX;
        break;
      case ir::RetryReason::GatewayError:
        conditions |= MESH_RETRY_GATEWAY_ERROR;
        break;
      case ir::RetryReason::Reset:
        conditions |= MESH_RETRY_RESET;
        break;
      case ir::RetryReason::ConnectFailure:
        conditions |= MESH_RETRY_CONNECT_FAILURE;
        break;
      case ir::RetryReason::Retriable4xx:
        conditions |= MESH_RETRY_RETRIABLE_4XX;
        break;
    }
  }
  EXPECT_EQ(config.conditions, conditions);
  ASSERT_EQ(config.status_count, retry.statuses.size());
  if (retry.statuses.empty()) {
    EXPECT_EQ(config.statuses, nullptr);
  }
  for (size_t s = 0; s < retry.statuses.size(); ++s) {
    EXPECT_EQ(config.statuses[s], retry.statuses[s]);
  }
  EXPECT_EQ(config.per_try_timeout_ms, retry.perTryTimeoutMs);
  EXPECT_EQ(config.backoff_base_ms, retry.backoffBaseMs);
  EXPECT_EQ(config.backoff_max_ms, retry.backoffMaxMs);
  EXPECT_EQ(config.budget, retry.budget);
  EXPECT_EQ(config.non_idempotent, retry.nonIdempotent ? 1u : 0u);
  EXPECT_EQ(config.reserved0, 0u);
}

// Every rule descriptor names its service, position and location, and carries its actions.
void expectRulesMirror(const ir::Module& policy, const mesh_module& module) {
  ASSERT_EQ(module.rule_count, ir::globalRuleIndex(policy, module.service_count, 0));
  for (uint32_t g = 0; g < module.rule_count; ++g) {
    SCOPED_TRACE("rule " + std::to_string(g));
    const mesh_rule& rule = module.rules[g];
    ASSERT_LT(rule.service, policy.services.size());
    ASSERT_LT(rule.index, policy.services[rule.service].rules.size());
    EXPECT_EQ(ir::globalRuleIndex(policy, rule.service, rule.index), g);
    const ir::Rule& source = policy.services[rule.service].rules[rule.index];
    EXPECT_EQ(std::string(rule.location), source.loc.file + ":" + std::to_string(source.loc.line) +
                                              ":" + std::to_string(source.loc.column));
    ASSERT_EQ(rule.action_count, source.actions.size());
    for (uint32_t a = 0; a < rule.action_count; ++a) {
      EXPECT_EQ(rule.actions[a].reserved0, 0u);
      ASSERT_NE(rule.actions[a].config, nullptr);
      std::visit(
          Overloaded{
              [&](const ir::RequestTimeout& timeout) {
                ASSERT_EQ(rule.actions[a].kind, uint32_t{MESH_ACTION_TIMEOUT});
                EXPECT_EQ(
                    static_cast<const mesh_timeout_action*>(rule.actions[a].config)->timeout_ms,
                    timeout.milliseconds);
              },
              [&](const ir::RetryPolicy& r) {
                ASSERT_EQ(rule.actions[a].kind, uint32_t{MESH_ACTION_RETRY});
                expectRetry(*static_cast<const mesh_retry*>(rule.actions[a].config), r);
              },
              [&](const ir::RequestHeaderEdits& e) {
                ASSERT_EQ(rule.actions[a].kind, uint32_t{MESH_ACTION_REQUEST_HEADERS});
                expectEdits(rule.actions[a].config, e.edits);
              },
              [&](const ir::ResponseHeaderEdits& e) {
                ASSERT_EQ(rule.actions[a].kind, uint32_t{MESH_ACTION_RESPONSE_HEADERS});
                expectEdits(rule.actions[a].config, e.edits);
              },
              [&](const ir::DirectResponse& d) {
                ASSERT_EQ(rule.actions[a].kind, uint32_t{MESH_ACTION_DIRECT_RESPONSE});
                const auto* config =
                    static_cast<const mesh_direct_response*>(rule.actions[a].config);
                EXPECT_EQ(config->status, d.status);
                EXPECT_EQ(std::string(config->body), d.body);
              },
              [&](const ir::Redirect& r) {
                ASSERT_EQ(rule.actions[a].kind, uint32_t{MESH_ACTION_REDIRECT});
                const auto* config = static_cast<const mesh_redirect*>(rule.actions[a].config);
                EXPECT_EQ(config->status, r.status);
                EXPECT_EQ(config->port, r.port);
                EXPECT_EQ(std::string(config->scheme), r.scheme);
                EXPECT_EQ(std::string(config->host), r.host);
                expectPath(config->path, r.path);
              },
              [&](const ir::Rewrite& r) {
                ASSERT_EQ(rule.actions[a].kind, uint32_t{MESH_ACTION_REWRITE});
                const auto* config = static_cast<const mesh_rewrite*>(rule.actions[a].config);
                EXPECT_EQ(std::string(config->host), r.host);
                expectPath(config->path, r.path);
              },
              [&](const ir::Experiment& e) {
                ASSERT_EQ(rule.actions[a].kind, uint32_t{MESH_ACTION_EXPERIMENT});
                const auto* config = static_cast<const mesh_experiment*>(rule.actions[a].config);
                EXPECT_EQ(std::string(config->name), e.name);
                EXPECT_EQ(std::string(config->sticky_name), e.stickyName);
                EXPECT_EQ(std::string(config->cookie), e.cookie);
                EXPECT_EQ(config->cookie_max_age_s, e.cookieMaxAgeSeconds);
                EXPECT_EQ(config->sticky, static_cast<uint32_t>(e.sticky));
                ASSERT_EQ(config->variant_count, e.variants.size());
                for (size_t v = 0; v < e.variants.size(); ++v) {
                  EXPECT_EQ(std::string(config->variants[v].name), e.variants[v].name);
                  EXPECT_EQ(config->variants[v].cluster, e.variants[v].cluster);
                  EXPECT_EQ(config->variants[v].weight, e.variants[v].weight);
                }
              },
              [&](const ir::Cors& c) {
                ASSERT_EQ(rule.actions[a].kind, uint32_t{MESH_ACTION_CORS});
                const auto* config = static_cast<const mesh_cors*>(rule.actions[a].config);
                ASSERT_EQ(config->origin_count, c.origins.size());
                for (size_t o = 0; o < c.origins.size(); ++o) {
                  EXPECT_EQ(std::string(config->origins[o]), c.origins[o]);
                }
                EXPECT_EQ(std::string(config->allow_methods), c.allowMethods);
                EXPECT_EQ(std::string(config->allow_headers), c.allowHeaders);
                EXPECT_EQ(std::string(config->expose_headers), c.exposeHeaders);
                EXPECT_EQ(config->max_age_s, c.maxAgeSeconds);
                EXPECT_EQ(config->allow_credentials, c.credentials ? 1u : 0u);
              },
              [&](const ir::Mirrors& m) {
                ASSERT_EQ(rule.actions[a].kind, uint32_t{MESH_ACTION_MIRROR});
                const auto* config = static_cast<const mesh_mirrors*>(rule.actions[a].config);
                ASSERT_EQ(config->count, m.targets.size());
                EXPECT_EQ(config->reserved0, 0u);
                for (size_t t = 0; t < m.targets.size(); ++t) {
                  EXPECT_EQ(config->mirrors[t].cluster, m.targets[t].cluster);
                  EXPECT_EQ(config->mirrors[t].weight, m.targets[t].weight);
                }
              },
          },
          source.actions[a]);
    }
  }
}

TEST(Descriptor, TablesMirrorTheIr) {
  const ir::Module policy = hostsPolicy();
  const std::unique_ptr<JitModule> jit = JitModule::create(policy);
  const mesh_module& module = jit->module();

  EXPECT_EQ(module.abi_version, MESH_ABI_VERSION);
  EXPECT_EQ(module.reserved0, 0u);
  EXPECT_STREQ(module.mesh_name, "test");
  EXPECT_STREQ(module.workload, "hosts-client");
  EXPECT_EQ(std::string(module.policy_digest), policy.digest);
  EXPECT_EQ(std::string(module.compiler_version).rfind("meshc ", 0), 0u) << module.compiler_version;
  EXPECT_EQ(module.local_service, 10);
  EXPECT_EQ(module.local_cluster, 0);

  ASSERT_EQ(module.service_count, policy.services.size());
  for (size_t s = 0; s < policy.services.size(); ++s) {
    SCOPED_TRACE("service " + std::to_string(s));
    const mesh_service& service = module.services[s];
    EXPECT_EQ(std::string(service.name), policy.services[s].name);
    EXPECT_EQ(service.port, policy.services[s].ports.at(0));
    EXPECT_EQ(service.first_rule, ir::globalRuleIndex(policy, static_cast<uint32_t>(s), 0));
    EXPECT_EQ(service.rule_count, policy.services[s].rules.size());
    EXPECT_EQ(service.mtls, uint32_t{MESH_MTLS_PERMISSIVE});
    EXPECT_EQ(service.principal_count, 0u);
    EXPECT_EQ(service.principals, nullptr);
    EXPECT_EQ(service.reserved0, 0u);
  }
  expectRulesMirror(policy, module);
  ASSERT_EQ(module.cluster_count, policy.clusters.size());
  for (size_t c = 0; c < policy.clusters.size(); ++c) {
    SCOPED_TRACE("cluster " + std::to_string(c));
    const mesh_cluster& cluster = module.clusters[c];
    EXPECT_EQ(std::string(cluster.name), policy.clusters[c].name());
    EXPECT_EQ(std::string(cluster.service), policy.clusters[c].service);
    EXPECT_EQ(std::string(cluster.subset), policy.clusters[c].subset);
    EXPECT_EQ(cluster.service_index, policy.clusters[c].serviceIndex);
    ASSERT_EQ(cluster.endpoint_count, policy.clusters[c].endpoints.size());
    for (size_t e = 0; e < policy.clusters[c].endpoints.size(); ++e) {
      EXPECT_EQ(std::string(cluster.endpoints[e]), policy.clusters[c].endpoints[e]);
    }
  }
}

TEST(Descriptor, MtlsModesPrincipalsAndTheWorkloadsIdentity) {
  ir::Module policy = hostsPolicy();
  policy.trustDomain = "shop.example";
  policy.principal = "spiffe://shop.example/ns/shop/sa/hosts-client";
  policy.services[0].mtls = ir::Mtls::Strict;
  policy.services[0].principals = {"spiffe://shop.example/ns/shop/sa/alpha",
                                   "spiffe://shop.example/ns/shop/sa/alpha-canary"};
  policy.services[1].mtls = ir::Mtls::Disable;
  policy.services[2].principals = {"spiffe://shop.example/ns/shop/sa/hosts-client"};
  const std::unique_ptr<JitModule> jit = JitModule::create(policy);
  const mesh_module& module = jit->module();

  EXPECT_STREQ(module.trust_domain, "shop.example");
  EXPECT_STREQ(module.principal, "spiffe://shop.example/ns/shop/sa/hosts-client");
  const mesh_service& alpha = module.services[0];
  EXPECT_EQ(alpha.mtls, uint32_t{MESH_MTLS_STRICT});
  ASSERT_EQ(alpha.principal_count, 2u);
  EXPECT_STREQ(alpha.principals[0], "spiffe://shop.example/ns/shop/sa/alpha");
  EXPECT_STREQ(alpha.principals[1], "spiffe://shop.example/ns/shop/sa/alpha-canary");
  EXPECT_EQ(module.services[1].mtls, uint32_t{MESH_MTLS_DISABLE});
  EXPECT_EQ(module.services[1].principal_count, 0u);
  EXPECT_EQ(module.services[1].principals, nullptr);
  EXPECT_EQ(module.services[2].mtls, uint32_t{MESH_MTLS_PERMISSIVE});
  ASSERT_EQ(module.services[2].principal_count, 1u);
  EXPECT_STREQ(module.services[2].principals[0], module.principal);
  for (uint32_t s = 0; s < module.service_count; ++s) EXPECT_EQ(module.services[s].reserved0, 0u);
}

TEST(Descriptor, EmptyModuleHasNullTablesAndRoutesNothing) {
  ir::Module policy;
  policy.workload = "nothing";
  const std::unique_ptr<JitModule> jit = JitModule::create(policy);
  const mesh_module& module = jit->module();
  EXPECT_EQ(module.service_count, 0u);
  EXPECT_EQ(module.cluster_count, 0u);
  EXPECT_EQ(module.rule_count, 0u);
  EXPECT_EQ(module.services, nullptr);
  EXPECT_EQ(module.clusters, nullptr);
  EXPECT_EQ(module.rules, nullptr);
  EXPECT_EQ(module.local_service, -1);
  EXPECT_STREQ(module.mesh_name, "");
  EXPECT_STREQ(module.trust_domain, "");
  EXPECT_STREQ(module.principal, "");
  OwnedRequest request;
  expectUnmatched(callRoute(module, request.host("")), MESH_ROUTE_NO_SERVICE);
}

TEST(Descriptor, ActionsAndRulesWithoutBackends) {
  const ir::Module policy = actionsPolicy();
  const std::unique_ptr<JitModule> jit = JitModule::create(policy);
  expectRulesMirror(policy, jit->module());
  OwnedRequest moved;
  const RouteResult result = callRoute(jit->module(), moved.host("site").path("/old"));
  ASSERT_EQ(result.status, uint32_t{MESH_ROUTE_MATCHED});
  EXPECT_EQ(result.decision.cluster, MESH_NO_CLUSTER);
  OwnedRequest checkout;
  const RouteResult assigned = callRoute(jit->module(), checkout.host("site").path("/checkout/1"));
  ASSERT_EQ(assigned.status, uint32_t{MESH_ROUTE_MATCHED});
  EXPECT_EQ(assigned.decision.cluster, MESH_EXPERIMENT_CLUSTER);
}

// Retry policies, every field and every condition bit, with and without statuses. (Not part of
// actionsPolicy(): the differential tests decode it with a runtime that may not know retries.)
TEST(Descriptor, RetryPolicies) {
  using Reason = ir::RetryReason;
  ir::Module policy = actionsPolicy();
  std::vector<ir::Rule>& rules = policy.services.at(0).rules;
  ir::Rule& api = rules.at(3);
  ASSERT_TRUE(std::holds_alternative<ir::RequestTimeout>(api.actions.at(0)));
  api.actions.insert(api.actions.begin() + 1,
                     ir::RetryPolicy{10,
                                     {Reason::ServerError, Reason::GatewayError, Reason::Reset,
                                      Reason::ConnectFailure, Reason::Retriable4xx},
                                     {100, 429, 599},
                                     750,
                                     1,
                                     86'400'000,
                                     10000,
                                     true});
  rules.back().actions.push_back(
      ir::RetryPolicy{1, {Reason::GatewayError}, {}, 0, 25, 250, 2000, false});
  ASSERT_TRUE(ir::verify(policy).empty());
  const std::unique_ptr<JitModule> jit = JitModule::create(policy);
  expectRulesMirror(policy, jit->module());
  const mesh_rule& last = jit->module().rules[policy.services[0].rules.size() - 1];
  ASSERT_EQ(last.action_count, 1u);
  EXPECT_EQ(last.actions[0].kind, uint32_t{MESH_ACTION_RETRY});
  EXPECT_EQ(static_cast<const mesh_retry*>(last.actions[0].config)->conditions,
            uint32_t{MESH_RETRY_GATEWAY_ERROR});
}

TEST(Descriptor, ClusterWithoutEndpointsHasANullList) {
  ir::Module policy = hostsPolicy();
  policy.clusters[1].endpoints.clear();
  const std::unique_ptr<JitModule> jit = JitModule::create(policy);
  EXPECT_EQ(jit->module().clusters[1].endpoint_count, 0u);
  EXPECT_EQ(jit->module().clusters[1].endpoints, nullptr);
}

TEST(Descriptor, RulesWithoutActionsHaveANullList) {
  const std::unique_ptr<JitModule> jit = JitModule::create(hostsPolicy());
  const mesh_rule& alpha = jit->module().rules[0];
  EXPECT_EQ(alpha.action_count, 0u);
  EXPECT_EQ(alpha.actions, nullptr);
}

TEST(Descriptor, StringsWithNulBytesAreRejected) {
  ir::Module policy = hostsPolicy();
  policy.workload = std::string("bad\0name", 8);
  EXPECT_THROW(JitModule::create(policy), CodegenError);
}

TEST(Descriptor, SeveralJitModulesLiveSideBySide) {
  const std::unique_ptr<JitModule> hosts = JitModule::create(hostsPolicy());
  const std::unique_ptr<JitModule> splits = JitModule::create(splitsPolicy());
  OwnedRequest alpha;
  expectMatched(callRoute(hosts->module(), alpha.host("alpha")), 0, 0, 0, 0);
  OwnedRequest single;
  expectMatched(callRoute(splits->module(), single.host("single")), 2, 7, 0, 0);
}

}  // namespace
}  // namespace meshc::codegen::testing
