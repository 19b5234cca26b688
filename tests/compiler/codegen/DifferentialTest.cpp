// The compiled code, from the JIT and from the emitted object, against the reference evaluator on
// random requests: the hand-built policies with 100,000 requests each, and randomly generated
// policies for shapes nobody thought of.

#include <gtest/gtest.h>

#include <algorithm>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "RandomRequests.h"
#include "TestPolicies.h"
#include "ir/Printer.h"

namespace meshc::codegen::testing {
namespace {

constexpr uint64_t kSeed = 0x6d657368;  // "mesh"

class HandBuiltPolicy : public ::testing::TestWithParam<std::pair<std::string, ir::Module>> {};

TEST_P(HandBuiltPolicy, AgreesWithTheEvaluatorOn100000Requests) {
  const std::optional<std::string> mismatch = differentialCheck(GetParam().second, kSeed, 100000);
  EXPECT_FALSE(mismatch.has_value()) << *mismatch;
}

INSTANTIATE_TEST_SUITE_P(Codegen, HandBuiltPolicy, ::testing::ValuesIn(allPolicies()),
                         [](const auto& info) { return info.param.first; });

// Random policies over small pools of strings, so that services, rules and requests collide
// often: shared prefixes, equal lengths, names that are prefixes of each other.
class RandomPolicies {
 public:
  explicit RandomPolicies(uint64_t seed) : rng_(seed) {}

  ir::Module next() {
    ir::Module module;
    module.meshName = "random";
    module.workload = "random-client";
    module.digest = "sha256:random";
    module.regexes.assign(std::begin(kRegexes), std::end(kRegexes));
    const uint64_t serviceCount = 1 + below(6);
    for (uint64_t s = 0; s < serviceCount; ++s) {
      ir::Service service;
      service.name = pick(kHosts);
      service.hosts.push_back(service.name);
      for (uint64_t h = below(3); h > 0; --h) service.hosts.push_back(pick(kHostPatterns));
      for (uint64_t p = 1 + below(3); p > 0; --p) service.ports.push_back(pick(kPorts));
      const uint64_t ruleCount = below(7);
      for (uint64_t r = 0; r < ruleCount; ++r) service.rules.push_back(randomRule());
      module.services.push_back(std::move(service));
    }
    module.routableServices = static_cast<uint32_t>(serviceCount - below(2));
    for (uint32_t c = 0; c < kClusters; ++c) {
      ir::Cluster cluster;
      cluster.serviceIndex = static_cast<uint32_t>(c % serviceCount);
      cluster.service = module.services[cluster.serviceIndex].name;
      cluster.subset = "s" + std::to_string(c);
      module.clusters.push_back(std::move(cluster));
    }
    return module;
  }

 private:
  static constexpr uint32_t kClusters = 8;
  static constexpr const char* kHosts[] = {"a",
                                           "b",
                                           "ab",
                                           "reviews",
                                           "ratings",
                                           "details",
                                           "reviews.default.svc",
                                           "reviews.default.svd"};
  // Extra hosts: exact names and wildcards whose suffixes overlap each other and the names above.
  static constexpr const char* kHostPatterns[] = {"*.svc",       "*.default.svc", "*.b",  "*.ab",
                                                  "example.com", "*.example.com", "ab.b", "x.ab"};
  static constexpr uint32_t kPorts[] = {80, 8080, 9080, 443};
  static constexpr const char* kStrings[] = {
      "", "/", "/a", "/ab", "/abc", "/abcdefg", "/abcdefgh", "/abcdefghi", "/abcdefghijklmno",
      "/abcdefghijklmnop", "/abcdefghijklmnopq", "/api/v1/users", "GET", "POST", "jason", "v2.1",
      // Bytes >= 0x80 catch sign extension in compares.
      "/caf\xc3\xa9", "/\xe2\x82\xac/x", "j\xc3\xa4son", "\xff", "/a\x80\x7f"};
  static constexpr const char* kRegexes[] = {"/a.*", "[a-z/]+", "v2\\..*", "(GET|POST)", ""};
  static constexpr const char* kHeaderNames[] = {
      "x-a", "x-b", "x-ab", "end-user", "x-version", "x-request-identifier", ""};

  uint64_t below(uint64_t bound) { return rng_() % bound; }

  template <size_t N>
  std::string pick(const char* const (&pool)[N]) {
    return pool[below(N)];
  }
  template <size_t N>
  uint32_t pick(const uint32_t (&pool)[N]) {
    return pool[below(N)];
  }

  ir::Predicate randomPredicate() {
    ir::Predicate predicate = randomTest();
    if (below(5) == 0) predicate = negated(std::move(predicate));
    return predicate;
  }

  ir::Predicate randomTest() {
    switch (below(13)) {
      case 0:
        return pathExact(pick(kStrings));
      case 1:
        return pathPrefix(pick(kStrings));
      case 2:
        return pathSegmentPrefix(pick(kStrings));
      case 3:
        return pathSuffix(pick(kStrings));
      case 4:
        return methodIs(pick(kStrings));
      case 5:
        return headerEquals(pick(kHeaderNames), pick(kStrings));
      case 6:
        return headerPrefix(pick(kHeaderNames), pick(kStrings));
      case 7:
        return headerSuffix(pick(kHeaderNames), pick(kStrings));
      case 8:
        return queryEquals(pick(kHeaderNames), pick(kStrings));
      case 9:
        return queryPresent(pick(kHeaderNames));
      case 10: {
        const std::vector<ir::Subject> subjects{ir::RequestPath{}, ir::RequestMethod{},
                                                ir::HeaderValue{pick(kHeaderNames)},
                                                ir::QueryValue{pick(kHeaderNames)}};
        return regex(subjects[below(subjects.size())],
                     static_cast<uint32_t>(below(std::size(kRegexes))));
      }
      case 11:
        return {ir::DestinationPort{}, ir::Equals{std::to_string(pick(kPorts))}, false, {}};
      default:
        return headerPresent(pick(kHeaderNames));
    }
  }

  ir::Target randomTarget() {
    if (below(2) == 0) return forward(static_cast<uint32_t>(below(kClusters)));
    std::vector<std::pair<uint32_t, uint32_t>> targets;
    const uint64_t count = 1 + below(4);
    uint32_t remaining = ir::kWeightTotal;
    for (uint64_t t = 0; t < count; ++t) {
      const bool last = t + 1 == count;
      const auto weight = static_cast<uint32_t>(last ? remaining : below(remaining + 1));
      targets.emplace_back(static_cast<uint32_t>(below(kClusters)), weight);
      remaining -= weight;
    }
    if (below(10) == 0) targets.back().second /= 2;  // weights short of 10000, now and then
    return split(std::move(targets));
  }

  // Distinct clusters of any service, with weights from the smallest to all requests.
  ir::Mirrors randomMirrors() {
    ir::Mirrors mirrors;
    const uint64_t count = 1 + below(3);
    for (uint64_t m = 0; m < count; ++m) {
      const auto cluster = static_cast<uint32_t>(below(kClusters));
      const bool taken =
          std::any_of(mirrors.targets.begin(), mirrors.targets.end(),
                      [&](const ir::MirrorTarget& t) { return t.cluster == cluster; });
      if (taken) continue;
      const uint32_t weights[] = {1, 2500, 3333, 9999, ir::kWeightTotal};
      const auto weight = below(2) == 0 ? weights[below(std::size(weights))]
                                        : static_cast<uint32_t>(1 + below(ir::kWeightTotal));
      mirrors.targets.push_back({cluster, weight});
    }
    return mirrors;
  }

  // Origins of every form (exact, wildcard, any host, any origin, with ports), some lists empty
  // and some wildcards, credentials or not.
  ir::Cors randomCors() {
    static const char* const kOrigins[] = {"https://app.example.com",
                                           "https://*.example.org",
                                           "http://localhost:3000",
                                           "http://*:8080",
                                           "*",
                                           "http://[::1]:9000"};
    static const char* const kLists[] = {"", "*", "GET, PUT", "x-a, x-b"};
    ir::Cors cors;
    cors.name = "random";
    const uint64_t count = 1 + below(3);
    for (uint64_t o = 0; o < count; ++o)
      cors.origins.push_back(kOrigins[below(std::size(kOrigins))]);
    cors.allowMethods = kLists[below(std::size(kLists))];
    cors.allowHeaders = kLists[below(std::size(kLists))];
    cors.exposeHeaders = kLists[below(std::size(kLists))];
    cors.maxAgeSeconds = below(2) == 0 ? 5 : below(86401);
    cors.credentials = below(2) == 0;
    return cors;
  }

  ir::Rule randomRule() {
    std::vector<ir::Conjunction> conjunctions;
    // Now and then no group at all: a rule whose source conditions exclude the workload.
    const uint64_t groups = below(15) == 0 ? 0 : below(4) == 0 ? 2 + below(2) : 1;
    for (uint64_t g = 0; g < groups; ++g) {
      ir::Conjunction& conjunction = conjunctions.emplace_back();
      const uint64_t count = below(4);
      for (uint64_t p = 0; p < count; ++p) conjunction.push_back(randomPredicate());
    }
    ir::Rule result = rule({}, randomTarget(), below(3) * 100);
    result.anyOf = std::move(conjunctions);
    if (below(3) == 0) result.actions.push_back(randomMirrors());
    if (below(4) == 0) result.actions.push_back(randomCors());
    return result;
  }

  std::mt19937_64 rng_;
};

TEST(RandomPolicy, FortyPoliciesAgreeWithTheEvaluatorOn20000RequestsEach) {
  RandomPolicies policies(kSeed);
  for (int i = 0; i < 40; ++i) {
    const ir::Module module = policies.next();
    const std::optional<std::string> mismatch = differentialCheck(module, kSeed + i, 20000);
    ASSERT_FALSE(mismatch.has_value()) << "random policy #" << i << ":\n"
                                       << ir::print(module) << "\n"
                                       << *mismatch;
  }
}

}  // namespace
}  // namespace meshc::codegen::testing
