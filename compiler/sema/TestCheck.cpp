#include <map>
#include <set>
#include <string>

#include "sema/Checks.h"
#include "support/Overloaded.h"
#include "support/Suggest.h"
#include "support/Text.h"

namespace meshc::sema {
namespace {

class TestChecker {
 public:
  TestChecker(const ast::Policy& policy, const SymbolTable& symbols, Diagnostics& diagnostics)
      : symbols_(symbols), diagnostics_(diagnostics), answered_(answeredStatuses(policy)) {}

  void check(const ast::TestCase& test) {
    if (test.requests.empty()) {
      diagnostics_.error(DiagnosticCode::TestWithoutRequest, test.loc,
                         "test " + quoted(test.name.value) +
                             " sends no request; add e.g. 'from WORKLOAD request GET "
                             "\"http://SERVICE/path\";'");
    }
    for (size_t r = 1; r < test.requests.size(); ++r) {
      diagnostics_.error(DiagnosticCode::TestWithSeveralRequests, test.requests[r].loc,
                         "a test sends one request; write another test for this one");
    }
    if (!test.requests.empty()) checkRequest(test.requests[0]);
    if (test.expectations.empty()) {
      diagnostics_.error(DiagnosticCode::TestWithoutExpectation, test.loc,
                         "test " + quoted(test.name.value) +
                             " expects nothing; add e.g. 'expect routed SERVICE.SUBSET;'");
    }
    const ast::Expectation* destination = nullptr;
    const ast::Expectation* timeout = nullptr;
    std::map<std::string, const ast::Expectation*> mirrors;  // by "service.subset"
    for (const ast::Expectation& expectation : test.expectations) {
      std::visit(Overloaded{
                     [&](const ast::ExpectRouted& e) {
                       once(destination, expectation, "where the request goes");
                       if (checkCluster(e.cluster)) checkReachable(test, e.cluster);
                     },
                     [&](const ast::ExpectSplit& e) {
                       once(destination, expectation, "where the request goes");
                       checkSplit(test, e, expectation.loc);
                     },
                     [&](const ast::ExpectStatus& e) {
                       once(destination, expectation, "where the request goes");
                       if (!e.malformed && answered_.count(e.status) == 0) {
                         diagnostics_.error(DiagnosticCode::StatusOutOfRange, expectation.loc,
                                            "the sidecar itself answers 400 (a malformed "
                                            "request), 404 (no route), 500 (a rule without "
                                            "backends) and the statuses of this policy's "
                                            "'respond' and 'redirect' rules, not " +
                                                std::to_string(e.status) +
                                                "; other statuses come from upstreams");
                       }
                     },
                     [&](const ast::ExpectTimeout&) { once(timeout, expectation, "the timeout"); },
                     [&](const ast::ExpectMirrored& e) {
                       const std::string name =
                           e.cluster.service.name + "." + e.cluster.subset.name;
                       once(mirrors[name], expectation, "the mirror to " + name);
                       checkCluster(e.cluster);
                       if (e.percent) checkMirrorPercent(*e.percent, diagnostics_);
                     },
                 },
                 expectation.kind);
    }
  }

 private:
  void once(const ast::Expectation*& first, const ast::Expectation& expectation,
            const std::string& what) {
    if (first == nullptr) {
      first = &expectation;
      return;
    }
    diagnostics_.error(DiagnosticCode::RepeatedExpectation, expectation.loc,
                       "a second expectation of " + what + "; the first is at line " +
                           std::to_string(first->loc.line));
  }

  void checkRequest(const ast::TestRequest& request) {
    if (symbols_.workload(request.from.name) == nullptr) {
      diagnostics_.error(DiagnosticCode::UnknownWorkload, request.from.loc,
                         "unknown workload '" + request.from.name + "'; " +
                             suggestion(request.from.name, symbols_.workloadNames(), "workloads"));
    }
    if (!isHttpToken(request.method.name)) {
      diagnostics_.error(DiagnosticCode::InvalidMethod, request.method.loc,
                         "'" + request.method.name + "' is not an HTTP method");
    }
    const std::string& url = request.url.value;
    if (!isRequestUrl(url)) {
      diagnostics_.error(
          DiagnosticCode::MalformedUrl, request.url.loc,
          "malformed URL " + quoted(url) +
              "; write it as the application sends it: \"http://SERVICE/path?query\" "
              "(or \"/path\" with a header \"host\")");
    }
    for (const ast::RequestHeader& header : request.headers) {
      if (!isHttpToken(header.name.value)) {
        diagnostics_.error(DiagnosticCode::InvalidHeaderName, header.name.loc,
                           "invalid header name " + quoted(header.name.value));
      }
      if (hasControlCharacter(header.value.value)) {
        diagnostics_.error(DiagnosticCode::HeaderValueControlCharacter, header.value.loc,
                           "header value contains a control character");
      }
    }
    for (size_t p = 1; p < request.principals.size(); ++p) {
      diagnostics_.error(DiagnosticCode::RepeatedPrincipal, request.principals[p].loc,
                         "a request has one source principal");
    }
  }

  bool checkCluster(const ast::ClusterRef& cluster) {
    const ast::Service* service = symbols_.service(cluster.service.name);
    if (service == nullptr) {
      diagnostics_.error(DiagnosticCode::UnknownService, cluster.service.loc,
                         "unknown service '" + cluster.service.name + "'; " +
                             suggestion(cluster.service.name, symbols_.serviceNames(), "services"));
      return false;
    }
    if (SymbolTable::subset(*service, cluster.subset.name) == nullptr) {
      diagnostics_.error(
          DiagnosticCode::UnknownSubset, cluster.subset.loc,
          "unknown subset '" + cluster.subset.name + "' of service '" + cluster.service.name +
              "'; " +
              suggestion(cluster.subset.name, SymbolTable::subsetNames(*service), "subsets"));
      return false;
    }
    return true;
  }

  // A test whose request cannot reach the expected service could never pass.
  void checkReachable(const ast::TestCase& test, const ast::ClusterRef& cluster) {
    if (test.requests.empty()) return;
    const ast::Workload* from = symbols_.workload(test.requests[0].from.name);
    if (from == nullptr) return;
    for (const ast::Identifier& callee : from->calls) {
      if (callee.name == cluster.service.name) return;
    }
    diagnostics_.error(DiagnosticCode::UnreachableExpectation, cluster.service.loc,
                       "workload '" + from->name.name + "' does not call service '" +
                           cluster.service.name + "': its sidecar answers 404 for it");
  }

  void checkSplit(const ast::TestCase& test, const ast::ExpectSplit& split, const SourceLoc& loc) {
    uint64_t total = 0;
    bool malformed = false;
    std::set<std::string> seen;
    for (const ast::ExpectShare& share : split.shares) {
      if (checkCluster(share.cluster)) checkReachable(test, share.cluster);
      if (share.cluster.service.name != split.shares.front().cluster.service.name) {
        diagnostics_.error(DiagnosticCode::UnreachableExpectation, share.cluster.service.loc,
                           "a split stays within one service; '" + share.cluster.service.name +
                               "' is not '" + split.shares.front().cluster.service.name + "'");
      }
      const std::string name = share.cluster.service.name + "." + share.cluster.subset.name;
      if (!seen.insert(name).second) {
        diagnostics_.error(DiagnosticCode::RepeatedShare, share.cluster.service.loc,
                           name + " is listed twice");
      }
      total += share.share.basisPoints;
      malformed = malformed || share.share.malformed;
    }
    if (!malformed && total != 10000) {
      diagnostics_.error(
          DiagnosticCode::SharesTotal, loc,
          "expected shares total " + formatPercent(total) + "; they must total exactly 100%");
    }
  }

  // Every status a sidecar of this policy may answer by itself.
  static std::set<uint64_t> answeredStatuses(const ast::Policy& policy) {
    std::set<uint64_t> statuses{400, 404, 500};
    for (const ast::Service& service : policy.services) {
      for (const ast::Route& route : service.routes) {
        for (const ast::RouteRule& rule : route.rules) {
          std::visit(Overloaded{
                         [](const ast::SubsetTarget&) {},
                         [](const ast::SplitTarget&) {},
                         [&](const ast::RedirectTarget& r) { statuses.insert(r.status); },
                         [&](const ast::RespondTarget& r) { statuses.insert(r.status); },
                     },
                     rule.target);
        }
      }
    }
    return statuses;
  }

  const SymbolTable& symbols_;
  Diagnostics& diagnostics_;
  const std::set<uint64_t> answered_;
};

}  // namespace

void checkTests(const ast::Policy& policy, const SymbolTable& symbols, Diagnostics& diagnostics) {
  TestChecker checker(policy, symbols, diagnostics);
  std::map<std::string, const ast::TestCase*> names;
  for (const ast::TestCase& test : policy.tests) {
    const auto [it, inserted] = names.emplace(test.name.value, &test);
    if (!inserted) {
      diagnostics.error(DiagnosticCode::DuplicateTestName, test.name.loc,
                        "duplicate test name " + quoted(test.name.value) +
                            "; the first is at line " + std::to_string(it->second->loc.line));
    }
    checker.check(test);
  }
}

}  // namespace meshc::sema
