// Concrete decisions of JIT-compiled hand-built policies; the expected values are worked out by
// hand from the rules in TestPolicies.cpp, independently of the reference evaluator.

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <string>

#include "RandomRequests.h"
#include "RoutingTestSupport.h"
#include "TestPolicies.h"
#include "codegen/Codegen.h"
#include "ir/DrawInverse.h"
#include "policy/RegexSet.h"

namespace meshc::codegen::testing {
namespace {

class JitRouting : public ::testing::Test {
 protected:
  void compile(const ir::Module& module) { jit_ = JitModule::create(module); }

  RouteResult route(OwnedRequest& request) { return callRoute(jit_->module(), request); }
  RouteResult route(OwnedRequest&& request) { return route(request); }

  std::unique_ptr<JitModule> jit_;
};

constexpr uint32_t kNoService = MESH_ROUTE_NO_SERVICE;
constexpr uint32_t kNoRule = MESH_ROUTE_NO_RULE;

TEST_F(JitRouting, ExactPathsOfEveryLengthUpTo20) {
  compile(pathsPolicy());
  const std::string base = "/reviews/products/42/xyz";
  for (uint32_t n = 0; n <= 20; ++n) {
    SCOPED_TRACE("length " + std::to_string(n));
    expectMatched(route(OwnedRequest().host("paths").path(base.substr(0, n))), 0, n % 4, n,
                  1000 + n);
  }
  // One byte past the longest exact path: only the "/" prefix (rule 40) still holds.
  expectMatched(route(OwnedRequest().host("paths").path(base.substr(0, 21))), 0, 1, 40, 2001);
}

TEST_F(JitRouting, PrefixesPickTheLongestListedFirst) {
  compile(pathsPolicy());
  const std::string base = "/api/v1/users/12345/abcdef";
  for (uint32_t n = 2; n <= 20; ++n) {
    SCOPED_TRACE("length " + std::to_string(n));
    expectMatched(route(OwnedRequest().host("paths").path(base.substr(0, n))), 0, n % 4,
                  21 + (20 - n), 2000 + n);
  }
  expectMatched(route(OwnedRequest().host("paths").path(base)), 0, 0, 21, 2020);
  // The last byte of the 20-byte prefix changed: the 19-byte prefix matches instead.
  expectMatched(route(OwnedRequest().host("paths").path("/api/v1/users/12345.abc")), 0, 3, 22,
                2019);
  expectUnmatched(route(OwnedRequest().host("paths").path("api")), kNoRule);
}

// matchesPolicy(): rule 0 `prefix "/v2"` (segments), 1 `prefix "/api/users" and not GET`,
// 2 `suffix ".png" and matches "/img/[a-z]+\.png"`, 3 `== "/img/cat.png"`, 4 an `or` of three
// groups, 5 query present and header suffix, 6 query regex and not suffix "/", 7 `not query
// "page" present and prefix "/list"`.
class JitMatches : public JitRouting {
 protected:
  void SetUp() override {
    module_ = matchesPolicy();
    compile(module_);
    std::vector<const char*> patterns;
    for (const std::string& pattern : module_.regexes) patterns.push_back(pattern.c_str());
    regexes_ =
        std::make_unique<mesh::RegexSet>(patterns.data(), static_cast<uint32_t>(patterns.size()));
  }
  OwnedRequest web(std::string_view path, std::string_view method = "GET") {
    OwnedRequest request;
    request.host("web").path(path).method(method).regex(regexes_->matcher());
    return request;
  }

  ir::Module module_;
  std::unique_ptr<mesh::RegexSet> regexes_;
};

TEST_F(JitMatches, SegmentPrefixMatchesWholeSegmentsOnly) {
  for (const char* path : {"/v2", "/v2/", "/v2/x", "/v2//"}) {
    SCOPED_TRACE(path);
    expectMatched(route(web(path)), 0, 0, 0, 10);
  }
  for (const char* path : {"/v2example", "/v", "/v2.0", "/V2"}) {
    SCOPED_TRACE(path);
    expectUnmatched(route(web(path)), kNoRule);
  }
}

TEST_F(JitMatches, NegationHoldsWhenTheTestFails) {
  expectMatched(route(web("/api/users/7", "DELETE")), 0, 1, 1, 0);
  expectUnmatched(route(web("/api/users/7", "GET")), kNoRule);
  expectMatched(route(OwnedRequest().host("neg").path("/x")), 1, 4, 0, 0);
  expectMatched(route(OwnedRequest().host("neg").path("/")), 1, 4, 1, 5);
}

TEST_F(JitMatches, RegexesAreFullMatchesAskedOfTheRuntime) {
  expectMatched(route(web("/img/dog.png")), 0, 2, 2, 20);
  // Rule 2 takes the path the exact rule 3 names: it comes first.
  expectMatched(route(web("/img/cat.png")), 0, 2, 2, 20);
  expectUnmatched(route(web("/img/Dog.png")), kNoRule);
  // A partial match is no match: the regex must cover the whole path.
  expectUnmatched(route(web("/x/img/dog.png")), kNoRule);
}

TEST_F(JitMatches, AnyGroupOfARuleMatches) {
  expectMatched(route(web("/home").header("x-env", "canary")), 0, 1, 4, 0);
  expectMatched(route(web("/home").queryParam("env", "canary")), 0, 1, 4, 0);
  expectUnmatched(route(web("/home").queryParam("env", "canary").header("x-opt-out", "1")),
                  kNoRule);
  expectMatched(route(web("/home").header("user-agent", "Mozilla/5.0 Firefox/118.0")), 0, 1, 4, 0);
  expectUnmatched(route(web("/home").header("user-agent", "curl/8.0")), kNoRule);
}

TEST_F(JitMatches, QueryParametersMatchTheirFirstOccurrence) {
  expectMatched(route(web("/home").queryParam("debug", "").header("x-user", "a@example.com")), 0, 2,
                5, 0);
  expectMatched(route(web("/item").queryParam("id", "1234")), 0, 3, 6, 0);
  expectUnmatched(route(web("/item").queryParam("id", "12").queryParam("id", "1234")), kNoRule);
  expectUnmatched(route(web("/item/").queryParam("id", "1234")), kNoRule);
  expectMatched(route(web("/list/a")), 0, 0, 7, 0);
  expectUnmatched(route(web("/list/a").queryParam("page", "2")), kNoRule);
  expectMatched(route(web("/list/a").queryParam("page", "")), 0, 2, 9, 0);
}

TEST_F(JitRouting, RulesAfterAnAlwaysMatchingRuleNeverRun) {
  compile(pathsPolicy());
  expectMatched(route(OwnedRequest().host("paths2").path("/a/b/c/d/e/f/g/h/")), 1, 4, 0, 0);
  expectMatched(route(OwnedRequest().host("paths2").path("/a/b/c/d/e/f/g/h")), 1, 5, 1, 7);
  expectMatched(route(OwnedRequest().host("paths2").path("/never")), 1, 4, 2, 8);
  expectMatched(route(OwnedRequest().host("paths2")), 1, 4, 2, 8);
}

TEST_F(JitRouting, HeaderEqualsLooksAtTheFirstOccurrenceOnly) {
  compile(headersPolicy());
  expectMatched(route(OwnedRequest().host("api").method("GET").header("x-user", "jason")), 0, 0, 0,
                100);
  expectMatched(route(OwnedRequest()
                          .host("api")
                          .method("GET")
                          .header("x-user", "jason")
                          .header("x-user", "bob")),
                0, 0, 0, 100);
  expectUnmatched(route(OwnedRequest()
                            .host("api")
                            .method("GET")
                            .header("x-user", "bob")
                            .header("x-user", "jason")),
                  kNoRule);
  expectUnmatched(route(OwnedRequest().host("api").method("GET").header("x-user", "jason2")),
                  kNoRule);
  expectUnmatched(route(OwnedRequest().host("api").method("GET").header("x-users", "jason")),
                  kNoRule);
  expectUnmatched(route(OwnedRequest().host("api").method("GET").header("x-use", "jason")),
                  kNoRule);
}

TEST_F(JitRouting, UnreferencedHeadersAreSkipped) {
  compile(headersPolicy());
  OwnedRequest request;
  request.host("api").method("GET");
  for (int i = 0; i < 11; ++i) request.header("x-noise-" + std::to_string(i), "value");
  request.header("x-user", "jason");
  expectMatched(route(request), 0, 0, 0, 100);
}

TEST_F(JitRouting, HeaderPrefixesPresenceAndEmptyValues) {
  compile(headersPolicy());
  expectMatched(route(OwnedRequest().host("api").header("x-version", "v2.1")), 0, 1, 1, 200);
  expectMatched(route(OwnedRequest().host("api").header("x-version", "v2.")), 0, 1, 1, 200);
  expectUnmatched(route(OwnedRequest().host("api").method("PUT").header("x-version", "v2")),
                  kNoRule);
  expectMatched(route(OwnedRequest().host("api").method("DELETE").header("x-debug", "")), 0, 2, 2,
                0);
  expectUnmatched(route(OwnedRequest().host("api").method("GET").header("x-debug", "1")), kNoRule);
  expectMatched(route(OwnedRequest().host("api").header("x-empty", "")), 0, 3, 3, 0);
  expectUnmatched(route(OwnedRequest().host("api").method("PUT").header("x-empty", "a")), kNoRule);
  expectMatched(route(OwnedRequest().host("api").header("x-any", "whatever")), 0, 4, 4, 0);
  expectMatched(route(OwnedRequest().host("api").header("x-any", "")), 0, 4, 4, 0);
  expectMatched(route(OwnedRequest().host("api").method("PUT").header("", "nameless")), 0, 1, 9, 0);
}

TEST_F(JitRouting, LongHeaderValuesAndCombinations) {
  compile(headersPolicy());
  expectMatched(
      route(OwnedRequest().host("api").method("PUT").header("x-lang", "en-US-long-value-over-16")),
      0, 6, 6, 0);
  expectUnmatched(
      route(OwnedRequest().host("api").method("PUT").header("x-lang", "en-US-long-value-over-17")),
      kNoRule);
  expectMatched(route(OwnedRequest().host("api").method("PUT").path("/t/42").header(
                    "x-tenant-identifier-long-name", "tenant-0123456789abcdef")),
                0, 7, 7, 0);
  expectUnmatched(route(OwnedRequest().host("api").method("PUT").path("/t").header(
                      "x-tenant-identifier-long-name", "tenant-0123456789abcdef")),
                  kNoRule);
  expectMatched(route(OwnedRequest()
                          .host("api")
                          .method("POST")
                          .header("x-lang", "fr")
                          .header("x-user", "jack")),
                0, 0, 8, 300);
}

TEST_F(JitRouting, Methods) {
  compile(headersPolicy());
  expectMatched(route(OwnedRequest().host("api")), 0, 5, 5, 0);  // empty method
  expectMatched(route(OwnedRequest().host("api").method("PROPFIND").path("/dav")), 0, 2, 10, 0);
  expectUnmatched(route(OwnedRequest().host("api").method("PROPFIN").path("/dav")), kNoRule);
  expectMatched(route(OwnedRequest().host("methods").method("GET")), 2, 9, 0, 0);
  expectMatched(route(OwnedRequest().host("methods").method("OPTIONS")), 2, 9, 1, 1);
  expectUnmatched(route(OwnedRequest().host("methods").method("get")), kNoRule);
  expectUnmatched(route(OwnedRequest().host("methods").method("GE")), kNoRule);
  expectUnmatched(route(OwnedRequest().host("methods").method("GETS")), kNoRule);
}

TEST_F(JitRouting, SecondServiceWithFallback) {
  compile(headersPolicy());
  expectMatched(route(OwnedRequest().host("auth").header("authorization", "Bearer abc.def.ghi")), 1,
                8, 0, 0);
  expectMatched(route(OwnedRequest()
                          .host("auth")
                          .header("authorization", "Basic dXNlcg==")
                          .header("cookie", "a=b")),
                1, 8, 1, 10);
  expectMatched(route(OwnedRequest().host("auth").header("authorization", "Basic dXNlcg==")), 1, 8,
                2, 20);
}

// A seed whose split draw lands on `ticket` (its draw modulo 10000).
uint64_t seedWithTicket(uint64_t ticket) {
  return ir::seedForDraw(MESH_DRAW_SPLIT, 123456789ULL * 10000 + ticket);
}

TEST(Draws, SeedForDrawInvertsMeshDraw) {
  const uint64_t values[] = {0, 1, 9999, UINT64_MAX, 0x0123456789abcdefULL};
  for (uint64_t value : values) {
    for (uint64_t stream : {uint64_t{0}, uint64_t{MESH_DRAW_SPLIT}, uint64_t{7}}) {
      EXPECT_EQ(mesh_draw(ir::seedForDraw(stream, value), stream), value);
    }
  }
  // Streams are independent: the same seed gives unrelated draws.
  EXPECT_NE(mesh_draw(42, 1) % 10000, mesh_draw(42, 2) % 10000);
}

TEST_F(JitRouting, SplitsCompareTheTicketWithRunningSums) {
  compile(splitsPolicy());
  auto canary = [&](uint64_t seed, bool header) {
    OwnedRequest request;
    request.host("canary").seed(seed);
    if (header) request.header("x-canary", "1");
    return route(request);
  };
  expectMatched(canary(seedWithTicket(4999), true), 0, 0, 0, 0);
  expectMatched(canary(seedWithTicket(5000), true), 0, 1, 0, 0);
  expectMatched(canary(UINT64_MAX, true), 0, 0, 0,
                0);  // UINT64_MAX % 10000 == 1615
  const std::pair<uint64_t, uint32_t> thirds[] = {{0, 0},    {3332, 0}, {3333, 1},
                                                  {6665, 1}, {6666, 2}, {9999, 2}};
  for (const auto& [ticket, cluster] : thirds) {
    SCOPED_TRACE("ticket " + std::to_string(ticket));
    expectMatched(canary(seedWithTicket(ticket), false), 0, cluster, 1, 50);
  }
}

TEST_F(JitRouting, SplitsWithFourTargetsAndZeroWeights) {
  compile(splitsPolicy());
  auto four = [&](uint64_t ticket, const char* method, const char* path) {
    return route(
        OwnedRequest().host("four").method(method).path(path).seed(seedWithTicket(ticket)));
  };
  expectMatched(four(0, "GET", "/zero"), 1, 4, 0, 0);
  expectMatched(four(9999, "GET", "/zero/x"), 1, 4, 0, 0);
  const std::pair<uint64_t, uint32_t> tiny[] = {{0, 3}, {1, 4}, {9997, 4}, {9998, 5}, {9999, 6}};
  for (const auto& [ticket, cluster] : tiny) {
    SCOPED_TRACE("ticket " + std::to_string(ticket));
    expectMatched(four(ticket, "GET", "/"), 1, cluster, 1, 60);
  }
  const std::pair<uint64_t, uint32_t> quarters[] = {{2499, 3}, {2500, 4}, {4999, 4},
                                                    {5000, 5}, {7500, 6}, {9999, 6}};
  for (const auto& [ticket, cluster] : quarters) {
    SCOPED_TRACE("ticket " + std::to_string(ticket));
    expectMatched(four(ticket, "POST", "/"), 1, cluster, 2, 0);
  }
  expectMatched(route(OwnedRequest().host("single").seed(42)), 2, 7, 0, 0);
}

TEST_F(JitRouting, SplitsWhoseWeightsDoNotTotal10000FollowTheEvaluator) {
  compile(splitsPolicy());
  auto unverified = [&](uint64_t ticket, const char* method) {
    return route(OwnedRequest().host("unverified").method(method).seed(seedWithTicket(ticket)));
  };
  expectMatched(unverified(99, "GET"), 3, 0, 0, 0);
  expectMatched(unverified(100, "GET"), 3, 1, 0, 0);
  expectMatched(unverified(300, "GET"), 3, 1, 0, 0);
  expectMatched(unverified(9999, "GET"), 3, 1, 0, 0);
  expectMatched(unverified(5999, "PUT"), 3, 0, 1, 0);
  expectMatched(unverified(6000, "PUT"), 3, 1, 1, 0);
  expectMatched(unverified(9999, "PUT"), 3, 1, 1, 0);
}

TEST_F(JitRouting, HostDispatch) {
  compile(hostsPolicy());
  expectMatched(route(OwnedRequest().host("alpha")), 0, 0, 0, 0);
  expectMatched(route(OwnedRequest().host("bravo").path("/b")), 1, 1, 0, 10);
  expectUnmatched(route(OwnedRequest().host("bravo").path("/c")), kNoRule);
  expectUnmatched(route(OwnedRequest().host("delta")), kNoRule);
  expectMatched(route(OwnedRequest().host("reviews-service-v2.namespace.svc")), 3, 2, 0, 3000);
  expectUnmatched(route(OwnedRequest().host("reviews-service-v2.namespace.svd")), kNoService);
  expectUnmatched(route(OwnedRequest().host("reviews-service-v2.namespace.sv")), kNoService);
  expectMatched(route(OwnedRequest().host("echo")), 4, 3, 0, 0);
  expectUnmatched(route(OwnedRequest().host("")), kNoService);
  expectMatched(route(OwnedRequest().host("a")), 6, 0, 0, 0);
  expectMatched(route(OwnedRequest().host("abcdefgh")), 7, 1, 0, 0);
  expectMatched(route(OwnedRequest().host("abcdefghi").method("GET")), 8, 2, 0, 0);
  expectUnmatched(route(OwnedRequest().host("abcdefghi").method("POST")), kNoRule);
  expectUnmatched(route(OwnedRequest().host("abcdefghij")), kNoService);
  expectUnmatched(route(OwnedRequest().host("alphb")), kNoService);
  expectUnmatched(route(OwnedRequest().host("Alpha")), kNoService);
  // The workload's own service is not reachable through the outbound route.
  expectUnmatched(route(OwnedRequest().host("local-svc")), kNoService);
}

TEST_F(JitRouting, EveryHostOfAServiceOnEachOfItsPorts) {
  compile(hostsPolicy());
  for (const char* host : {"alpha", "alpha.ns", "alpha.ns.svc", "alpha.ns.svc.cluster.local"}) {
    SCOPED_TRACE(host);
    for (uint32_t port : {0u, 80u, 8080u}) {
      expectMatched(route(OwnedRequest().host(host).port(port)), 0, 0, 0, 0);
    }
    expectUnmatched(route(OwnedRequest().host(host).port(81)), kNoService);
  }
  expectUnmatched(route(OwnedRequest().host("alpha.ns.svc.cluster.loca")), kNoService);
  expectUnmatched(route(OwnedRequest().host("alpha.ns.svc.cluster.localx")), kNoService);
}

TEST_F(JitRouting, WildcardHostsTakeTheLongestSuffixAndLoseToExactNames) {
  compile(hostsPolicy());
  expectMatched(route(OwnedRequest().host("x.example.com").path("/b")), 1, 1, 0, 10);
  expectMatched(route(OwnedRequest().host("b.example.com").path("/b")), 1, 1, 0, 10);
  expectMatched(route(OwnedRequest().host("x.y.example.com").path("/b")), 1, 1, 0, 10);
  expectUnmatched(route(OwnedRequest().host("example.com")), kNoService);
  expectUnmatched(route(OwnedRequest().host(".example.com")), kNoService);
  expectUnmatched(route(OwnedRequest().host("xexample.com")), kNoService);
  // "*.b.example.com" is longer than "*.example.com"; the exact name needs no wildcard at all.
  expectUnmatched(route(OwnedRequest().host("a.b.example.com")), kNoRule);
  expectUnmatched(route(OwnedRequest().host("exact.b.example.com")), kNoRule);
  expectUnmatched(route(OwnedRequest().host("a.b.example.com").port(9080)), kNoService);
}

TEST_F(JitRouting, PortConditionsTestTheDestinationPort) {
  compile(hostsPolicy());
  // Rule 0 never matches; without a port the request addresses the main port, 9080.
  expectMatched(route(OwnedRequest().host("ports").path("/admin")), 9, 0, 3, 0);
  expectMatched(route(OwnedRequest().host("ports").port(9080).path("/admin")), 9, 0, 3, 0);
  expectMatched(route(OwnedRequest().host("ports").port(9443).path("/admin")), 9, 1, 1, 0);
  expectMatched(route(OwnedRequest().host("ports").port(9443).path("/x")), 9, 2, 2, 0);
  expectUnmatched(route(OwnedRequest().host("ports").port(80)), kNoService);
}

TEST(JitErrors, InvalidIrIsRejectedWithAClearMessage) {
  ir::Module tooFewServices = hostsPolicy();
  tooFewServices.routableServices = 12;
  EXPECT_THROW(JitModule::create(tooFewServices), CodegenError);

  ir::Module emptySplit = splitsPolicy();
  emptySplit.services[2].rules[0].target = ir::Split{};
  try {
    JitModule::create(emptySplit);
    FAIL() << "an empty split compiled";
  } catch (const CodegenError& error) {
    EXPECT_NE(std::string(error.what()).find("split has no targets"), std::string::npos)
        << error.what();
  }
}

}  // namespace
}  // namespace meshc::codegen::testing
