#include "TestPolicies.h"

namespace meshc::codegen::testing {
namespace {

ir::Predicate predicate(ir::Subject subject, ir::Test test) {
  return ir::Predicate{std::move(subject), std::move(test), false, {}};
}

ir::Cluster cluster(const ir::Module& module, uint32_t serviceIndex, std::string subset) {
  ir::Cluster result;
  result.service = module.services.at(serviceIndex).name;
  result.subset = std::move(subset);
  result.serviceIndex = serviceIndex;
  result.endpoints = {"127.0.0.1:" + std::to_string(19000 + module.clusters.size())};
  return result;
}

// One cluster per subset name, all of service 0, plus the usual module header fields.
ir::Module singleServiceModule(std::string workload, std::vector<ir::Service> services,
                               const std::vector<std::string>& subsets) {
  ir::Module module;
  module.meshName = "test";
  module.workload = std::move(workload);
  module.digest = "sha256:" + std::string(64, '0');
  module.services = std::move(services);
  module.routableServices = static_cast<uint32_t>(module.services.size());
  for (const std::string& subset : subsets) module.clusters.push_back(cluster(module, 0, subset));
  return module;
}

}  // namespace

ir::Predicate pathExact(std::string value) {
  return predicate(ir::RequestPath{}, ir::Equals{std::move(value)});
}
ir::Predicate pathPrefix(std::string value) {
  return predicate(ir::RequestPath{}, ir::Prefix{std::move(value)});
}
ir::Predicate pathSegmentPrefix(std::string value) {
  return predicate(ir::RequestPath{}, ir::SegmentPrefix{std::move(value)});
}
ir::Predicate pathSuffix(std::string value) {
  return predicate(ir::RequestPath{}, ir::Suffix{std::move(value)});
}
ir::Predicate methodIs(std::string value) {
  return predicate(ir::RequestMethod{}, ir::Equals{std::move(value)});
}
ir::Predicate headerEquals(std::string name, std::string value) {
  return predicate(ir::HeaderValue{std::move(name)}, ir::Equals{std::move(value)});
}
ir::Predicate headerPrefix(std::string name, std::string value) {
  return predicate(ir::HeaderValue{std::move(name)}, ir::Prefix{std::move(value)});
}
ir::Predicate headerSuffix(std::string name, std::string value) {
  return predicate(ir::HeaderValue{std::move(name)}, ir::Suffix{std::move(value)});
}
ir::Predicate headerPresent(std::string name) {
  return predicate(ir::HeaderValue{std::move(name)}, ir::Present{});
}
ir::Predicate queryEquals(std::string name, std::string value) {
  return predicate(ir::QueryValue{std::move(name)}, ir::Equals{std::move(value)});
}
ir::Predicate queryPresent(std::string name) {
  return predicate(ir::QueryValue{std::move(name)}, ir::Present{});
}
ir::Predicate regex(ir::Subject subject, uint32_t index) {
  return predicate(std::move(subject), ir::Regex{index});
}
ir::Predicate negated(ir::Predicate predicate) {
  predicate.negated = !predicate.negated;
  return predicate;
}

ir::Target forward(uint32_t cluster) { return ir::Forward{cluster}; }

ir::Target split(std::vector<std::pair<uint32_t, uint32_t>> clusterWeights) {
  ir::Split result;
  for (const auto& [cluster, weight] : clusterWeights) result.targets.push_back({cluster, weight});
  return result;
}

ir::Rule anyOf(std::vector<ir::Conjunction> conjunctions, ir::Target target) {
  ir::Rule result;
  result.anyOf = std::move(conjunctions);
  result.target = std::move(target);
  return result;
}

ir::Rule rule(std::vector<ir::Predicate> conditions, ir::Target target, uint64_t timeoutMs) {
  ir::Rule result;
  result.anyOf = {std::move(conditions)};
  result.target = std::move(target);
  if (timeoutMs > 0) result.actions.push_back(ir::RequestTimeout{timeoutMs});
  return result;
}

ir::Service service(std::string name, std::vector<ir::Rule> rules) {
  ir::Service result;
  result.hosts = {name};
  result.name = std::move(name);
  result.ports = {8080};
  result.rules = std::move(rules);
  return result;
}

ir::Module pathsPolicy() {
  const std::string exactBase = "/reviews/products/42/xyz";
  const std::string prefixBase = "/api/v1/users/12345/abcdef";
  std::vector<ir::Rule> rules;
  for (uint32_t n = 0; n <= 20; ++n) {
    rules.push_back(rule({pathExact(exactBase.substr(0, n))}, forward(n % 4), 1000 + n));
  }
  for (uint32_t n = 20; n >= 1; --n) {
    rules.push_back(rule({pathPrefix(prefixBase.substr(0, n))}, forward(n % 4), 2000 + n));
  }
  ir::Module module = singleServiceModule("paths-client", {service("paths", std::move(rules))},
                                          {"c0", "c1", "c2", "c3"});
  // Rules after an always-matching rule are dead; the last one must never be reported.
  module.services.push_back(
      service("paths2", {
                            rule({pathPrefix("/a/b/c/d/e/f/g/h/")}, forward(4)),
                            rule({pathExact("/a/b/c/d/e/f/g/h")}, forward(5), 7),
                            rule({pathPrefix("")}, forward(4), 8),
                            rule({pathExact("/never")}, forward(5), 9),
                        }));
  module.routableServices = 2;
  module.clusters.push_back(cluster(module, 1, "p0"));
  module.clusters.push_back(cluster(module, 1, "p1"));
  return module;
}

ir::Module headersPolicy() {
  const std::string tenant = "x-tenant-identifier-long-name";
  ir::Module module = singleServiceModule(
      "headers-client",
      {service("api",
               {
                   rule({methodIs("GET"), headerEquals("x-user", "jason")}, forward(0), 100),
                   rule({headerPrefix("x-version", "v2.")}, forward(1), 200),
                   rule({headerPresent("x-debug"), methodIs("DELETE")}, forward(2)),
                   rule({headerEquals("x-empty", "")}, forward(3)),
                   rule({headerPrefix("x-any", "")}, forward(4)),
                   rule({methodIs("")}, forward(5)),
                   rule({pathPrefix(""), headerEquals("x-lang", "en-US-long-value-over-16")},
                        forward(6)),
                   rule({headerEquals(tenant, "tenant-0123456789abcdef"), pathPrefix("/t/")},
                        forward(7)),
                   rule({headerPrefix("x-user", "ja"), headerPresent("x-lang"), methodIs("POST")},
                        forward(0), 300),
                   rule({headerPresent("")}, forward(1)),
                   rule({methodIs("PROPFIND"), pathExact("/dav")}, forward(2)),
               })},
      {"v0", "v1", "v2", "v3", "v4", "v5", "v6", "v7"});
  module.services.push_back(service(
      "auth",
      {
          rule({headerEquals("authorization", "Bearer abc.def.ghi")}, forward(8)),
          rule({headerPresent("cookie"), headerPrefix("authorization", "Basic ")}, forward(8), 10),
          rule({}, forward(8), 20),
      }));
  module.services.push_back(service("methods", {rule({methodIs("GET")}, forward(9)),
                                                rule({methodIs("OPTIONS")}, forward(9), 1)}));
  module.routableServices = 3;
  module.clusters.push_back(cluster(module, 1, "main"));
  module.clusters.push_back(cluster(module, 2, "main"));
  return module;
}

ir::Module splitsPolicy() {
  ir::Module module = singleServiceModule(
      "splits-client",
      {service("canary", {rule({headerPresent("x-canary")}, split({{0, 5000}, {1, 5000}})),
                          rule({}, split({{0, 3333}, {1, 3333}, {2, 3334}}), 50)})},
      {"a", "b", "c"});
  module.services.push_back(
      service("four", {
                          rule({pathPrefix("/zero")}, split({{3, 0}, {4, 10000}})),
                          rule({methodIs("GET")}, split({{3, 1}, {4, 9997}, {5, 1}, {6, 1}}), 60),
                          rule({}, split({{3, 2500}, {4, 2500}, {5, 2500}, {6, 2500}})),
                      }));
  module.services.push_back(service("single", {rule({}, split({{7, 10000}}))}));
  // Weights that do not total 10000 (rejected by the IR verifier, but the evaluator still
  // defines the result: the last target when the running sums stay below the ticket).
  module.services.push_back(
      service("unverified", {
                                rule({methodIs("GET")}, split({{0, 100}, {1, 200}})),
                                rule({}, split({{0, 6000}, {1, 6000}, {2, 6000}})),
                            }));
  module.routableServices = 4;
  for (const char* subset : {"w", "x", "y", "z"})
    module.clusters.push_back(cluster(module, 1, subset));
  module.clusters.push_back(cluster(module, 2, "only"));
  return module;
}

ir::Predicate portIs(uint32_t port) {
  return predicate(ir::DestinationPort{}, ir::Equals{std::to_string(port)});
}

namespace {

ir::Service addressed(ir::Service service, std::vector<std::string> hosts,
                      std::vector<uint32_t> ports) {
  service.hosts = std::move(hosts);
  service.ports = std::move(ports);
  return service;
}

}  // namespace

ir::Module hostsPolicy() {
  ir::Rule never = rule({}, forward(4));
  never.anyOf.clear();
  ir::Module module = singleServiceModule(
      "hosts-client",
      {
          addressed(service("alpha", {rule({}, forward(0))}),
                    {"alpha", "alpha.ns", "alpha.ns.svc", "alpha.ns.svc.cluster.local"},
                    {80, 8080}),
          addressed(service("bravo", {rule({pathPrefix("/b")}, forward(1), 10)}),
                    {"bravo", "*.example.com"}, {8080}),
          addressed(service("delta", {}), {"delta", "*.b.example.com", "exact.b.example.com"},
                    {8080}),
          service("reviews-service-v2.namespace.svc", {rule({}, forward(2), 3000)}),
          service("echo", {rule({}, forward(3))}),
          service("alpha", {rule({}, forward(4))}),
          service("a", {rule({}, forward(0))}),
          service("abcdefgh", {rule({}, forward(1))}),
          service("abcdefghi", {rule({methodIs("GET")}, forward(2))}),
          addressed(
              service("ports", {never, rule({portIs(9443), pathPrefix("/admin")}, forward(1)),
                                rule({negated(portIs(9080))}, forward(2)), rule({}, forward(0))}),
              {"ports"}, {9080, 9443}),
          service("local-svc", {rule({}, forward(0))}),
      },
      {"c0", "c1", "c2", "c3", "c4"});
  module.routableServices = 10;
  module.localService = 10;
  module.localCluster = 0;
  return module;
}

ir::Module matchesPolicy() {
  const ir::Subject path = ir::RequestPath{};
  ir::Module module = singleServiceModule(
      "matches-client",
      {service(
          "web",
          {
              rule({pathSegmentPrefix("/v2")}, forward(0), 10),
              rule({pathSegmentPrefix("/api/users"), negated(methodIs("GET"))}, forward(1)),
              rule({pathSuffix(".png"), regex(path, 0)}, forward(2), 20),
              rule({pathExact("/img/cat.png")}, forward(3)),
              anyOf({{headerEquals("x-env", "canary")},
                     {queryEquals("env", "canary"), negated(headerPresent("x-opt-out"))},
                     {regex(ir::HeaderValue{"user-agent"}, 1)}},
                    forward(1)),
              rule({queryPresent("debug"), headerSuffix("x-user", "@example.com")}, forward(2)),
              rule({regex(ir::QueryValue{"id"}, 2), negated(pathSuffix("/"))}, forward(3)),
              rule({negated(queryPresent("page")), pathSegmentPrefix("/list")}, forward(0)),
              rule({headerEquals("user-agent", "curl/8.0"), queryEquals("id", "12345")},
                   forward(1)),
              rule({pathPrefix("/list/"), queryEquals("page", "")}, forward(2)),
          })},
      {"m0", "m1", "m2", "m3"});
  module.regexes = {"/img/[a-z]+\\.png", ".*(Chrome|Firefox)/[0-9]+.*", "[0-9]{3,6}"};
  module.services.push_back(service("neg", {
                                               rule({negated(pathExact("/"))}, forward(4)),
                                               rule({}, forward(4), 5),
                                           }));
  module.routableServices = 2;
  module.clusters.push_back(cluster(module, 1, "n0"));
  return module;
}

ir::Module actionsPolicy() {
  using Op = ir::HeaderEdit::Op;
  ir::Rule old = rule({pathExact("/old")}, ir::NoBackend{});
  old.actions = {
      ir::ResponseHeaderEdits{{{Op::Set, "x-moved", "yes"}}},
      ir::Redirect{
          301, "https", "www.example.com", 8443, {ir::PathRewrite::Kind::Full, "/new", ""}}};
  ir::Rule docs = rule({pathSegmentPrefix("/docs")}, ir::NoBackend{});
  docs.actions = {
      ir::Redirect{302, "", "", 0, {ir::PathRewrite::Kind::Prefix, "/manual", "/docs"}}};
  ir::Rule health = rule({pathExact("/healthz")}, ir::NoBackend{});
  health.actions = {ir::DirectResponse{200, "ok\n"}};
  ir::Rule api = rule({pathSegmentPrefix("/api")}, forward(0), 1500);
  api.actions.push_back(ir::RequestHeaderEdits{
      {{Op::Remove, "x-internal", ""}, {Op::Set, "x-api", "1"}, {Op::Add, "x-via", "mesh"}}});
  api.actions.push_back(ir::ResponseHeaderEdits{{{Op::Add, "cache-control", "no-store"}}});
  api.actions.push_back(ir::Rewrite{"api.internal", {ir::PathRewrite::Kind::Prefix, "/", "/api"}});
  api.actions.push_back(ir::Mirrors{{{2, 10000}, {0, 1250}}});
  api.actions.push_back(ir::Cors{"web",
                                 {"https://app.example.com", "https://*.example.org", "*"},
                                 "GET, PUT",
                                 "*",
                                 "x-trace",
                                 600,
                                 true});
  ir::Rule checkout = rule({pathSegmentPrefix("/checkout")}, ir::ExperimentTarget{}, 800);
  checkout.actions.push_back(ir::Experiment{ir::Experiment::Sticky::Cookie,
                                            "new-checkout",
                                            "session",
                                            "exp-checkout",
                                            3600,
                                            {{"control", 0, 5000}, {"one-page", 1, 5000}}});
  ir::Module module = singleServiceModule(
      "actions-client",
      {service("site", {old, docs, health, api, rule({pathExact("/gone")}, ir::NoBackend{}),
                        checkout, rule({}, forward(0))})},
      {"main", "one-page"});
  // A service only mirrored to: its cluster is in the module, the service is not routable.
  module.services.push_back(service("site-shadow", {}));
  module.clusters.push_back(cluster(module, 1, "next"));
  return module;
}

std::vector<std::pair<std::string, ir::Module>> allPolicies() {
  return {{"paths", pathsPolicy()},     {"matches", matchesPolicy()}, {"actions", actionsPolicy()},
          {"headers", headersPolicy()}, {"splits", splitsPolicy()},   {"hosts", hostsPolicy()}};
}

}  // namespace meshc::codegen::testing
