#include <gtest/gtest.h>

#include "compiler/PolicyFixture.h"
#include "ir/Printer.h"
#include "ir/Verifier.h"
#include "lower/Lowering.h"

namespace meshc {
namespace {

ir::Module twoClusterModule() {
  ir::Module module;
  module.workload = "w";
  module.services.push_back({"svc", {"svc"}, {80}, {}, ir::Mtls::Permissive, {}, {}});
  module.routableServices = 1;
  module.clusters.push_back({"svc", "a", 0, {}});
  module.clusters.push_back({"svc", "b", 0, {}});
  return module;
}

TEST(Verifier, AcceptsLoweredExample) {
  const auto c = testing::check(std::string(testing::kMeshHeader) +
                                "service s { port 1; subset a {} subset b {}\n"
                                "  route { when header \"X-A\" present => a;\n"
                                "          otherwise => split { a 33.33%, b 66.67% }; } }\n"
                                "workload w { service s; version a; calls s; }\n");
  ASSERT_TRUE(c.ok) << c.rendered();
  for (const ir::Module& module : lower::lowerPolicy(c.policy, "d")) {
    EXPECT_EQ(ir::verify(module), std::vector<std::string>{}) << ir::print(module);
  }
}

TEST(Verifier, ReportsBrokenInvariants) {
  ir::Module module = twoClusterModule();
  module.services[0].rules.push_back(
      {{{{ir::HeaderValue{"X-Upper"}, ir::Present{}, false, {}}}}, ir::Forward{7}, {}, {}});
  module.services[0].rules.push_back({{{}}, ir::Split{{{0, 5000}, {1, 4000}}}, {}, {}});
  module.services[0].rules.push_back({{{}}, ir::Split{}, {}, {}});
  module.services[0].rules.push_back(
      {{{}}, ir::Forward{0}, {ir::RequestTimeout{5}, ir::RequestTimeout{6}}, {}});
  module.services[0].rules.push_back({{{}}, ir::Forward{0}, {ir::RequestTimeout{0}}, {}});
  module.services[0].rules.push_back({{{{ir::RequestPath{}, ir::Present{}, false, {}},
                                        {ir::QueryValue{"q"}, ir::SegmentPrefix{"/a/"}, false, {}},
                                        {ir::RequestMethod{}, ir::Regex{3}, false, {}}}},
                                      ir::Forward{0},
                                      {},
                                      {}});
  module.services[0].rules.push_back({{{{ir::DestinationPort{}, ir::Equals{"080"}, false, {}}},
                                       {{ir::DestinationPort{}, ir::Prefix{"8"}, false, {}}}},
                                      ir::Forward{0},
                                      {},
                                      {}});
  module.services[0].ports.push_back(70000);
  module.services[0].hosts.push_back("Svc:80");
  module.routableServices = 3;
  module.localCluster = 0;
  EXPECT_EQ(
      ir::verify(module),
      (std::vector<std::string>{"routableServices 3 exceeds 1 services",
                                "localCluster out of range or not a subset of localService",
                                "service svc: host \"Svc:80\" is empty, not lower-case or has a "
                                "port",
                                "service svc: port 70000 out of range",
                                "service svc rule #0: header name \"X-Upper\" is empty or not "
                                "lower-case",
                                "service svc rule #0: cluster #7 out of range",
                                "service svc rule #1: split weights total 9000, not 10000",
                                "service svc rule #2: split without targets",
                                "service svc rule #2: split weights total 0, not 10000",
                                "service svc rule #3: actions repeated or out of order",
                                "service svc rule #4: timeout of 0 ms (omit the action instead)",
                                "service svc rule #5: presence test of a subject every request "
                                "has",
                                "service svc rule #5: segment prefix of something other than the "
                                "path",
                                "service svc rule #5: segment prefix \"/a/\" ends in '/'",
                                "service svc rule #5: regex #3 out of range",
                                "service svc rule #6: a port test other than == PORT",
                                "service svc rule #6: a port test other than == PORT"}));
}

TEST(Verifier, MirrorsNeedBackendsKnownClustersAndWeights) {
  ir::Module module = twoClusterModule();
  module.services[0].rules.push_back(
      {{{}}, ir::Forward{0}, {ir::Mirrors{{{1, 1}, {0, 10000}}}}, {}});
  module.services[0].rules.push_back(
      {{{}}, ir::Forward{0}, {ir::Mirrors{{{2, 100}, {1, 0}, {0, 10001}, {1, 5}}}}, {}});
  module.services[0].rules.push_back({{{}}, ir::Forward{0}, {ir::Mirrors{}}, {}});
  module.services[0].rules.push_back(
      {{{}}, ir::NoBackend{}, {ir::DirectResponse{200, ""}, ir::Mirrors{{{1, 100}}}}, {}});
  EXPECT_EQ(ir::verify(module),
            (std::vector<std::string>{"service svc rule #1: mirror cluster #2 out of range",
                                      "service svc rule #1: mirror weight 0 not within 1-10000",
                                      "service svc rule #1: mirror weight 10001 not within 1-10000",
                                      "service svc rule #1: a cluster mirrored twice",
                                      "service svc rule #2: mirrors without targets",
                                      "service svc rule #3: mirrors on a rule without backends"}));
}

// What abi.h promises the runtime of a mesh_retry, and that it comes after the timeout.
TEST(Verifier, RetryPoliciesHoldWhatTheAbiPromises) {
  using Reason = ir::RetryReason;
  const ir::RetryPolicy valid{3, {Reason::GatewayError}, {429, 503}, 500, 25, 250, 2000, false};
  ir::Module module = twoClusterModule();
  module.services[0].rules.push_back({{{}}, ir::Forward{0}, {ir::RequestTimeout{1000}, valid}, {}});
  module.services[0].rules.push_back(
      {{{}},
       ir::Forward{0},
       {ir::RetryPolicy{
           0, {Reason::Reset, Reason::ServerError}, {503, 503, 600}, 0, 0, 0, 0, false}},
       {}});
  module.services[0].rules.push_back(
      {{{}},
       ir::Forward{0},
       {ir::RetryPolicy{11, {Reason::Reset, Reason::Reset}, {99}, 0, 30, 20, 10001, true}},
       {}});
  module.services[0].rules.push_back(
      {{{}}, ir::NoBackend{}, {valid, ir::DirectResponse{503, ""}}, {}});
  module.services[0].rules.push_back({{{}}, ir::Forward{0}, {valid, ir::RequestTimeout{5}}, {}});
  EXPECT_EQ(
      ir::verify(module),
      (std::vector<std::string>{"service svc rule #1: retry attempts 0 not within 1-10",
                                "service svc rule #1: retry reasons not distinct and in order",
                                "service svc rule #1: retried statuses not ascending and distinct",
                                "service svc rule #1: retried status 600",
                                "service svc rule #1: retry backoff base 0 or above its maximum",
                                "service svc rule #1: retry budget 0 not within 1-10000",
                                "service svc rule #2: retry attempts 11 not within 1-10",
                                "service svc rule #2: retry reasons not distinct and in order",
                                "service svc rule #2: retried status 99",
                                "service svc rule #2: retry backoff base 0 or above its maximum",
                                "service svc rule #2: retry budget 10001 not within 1-10000",
                                "service svc rule #3: a retry policy on a rule without backends",
                                "service svc rule #4: actions repeated or out of order"}));
}

TEST(Verifier, PrincipalsAreSortedAndDistinct) {
  ir::Module module = twoClusterModule();
  module.services[0].principals = {"spiffe://d/ns/a/sa/a", "spiffe://d/ns/a/sa/b"};
  EXPECT_EQ(ir::verify(module), std::vector<std::string>{});
  module.services[0].principals = {"spiffe://d/ns/a/sa/b", "spiffe://d/ns/a/sa/a"};
  EXPECT_EQ(ir::verify(module),
            std::vector<std::string>{"service svc: principals not sorted and distinct"});
  module.services[0].principals = {"spiffe://d/ns/a/sa/a", "spiffe://d/ns/a/sa/a"};
  EXPECT_EQ(ir::verify(module),
            std::vector<std::string>{"service svc: principals not sorted and distinct"});
}

}  // namespace
}  // namespace meshc
