#include <algorithm>
#include <map>
#include <set>
#include <string>

#include "policy/ActionConfigs.h"
#include "sema/Checks.h"
#include "support/Overloaded.h"
#include "support/Suggest.h"
#include "support/Text.h"

namespace meshc::sema {
namespace {

// Visible ASCII without '#': what a request target, a Host or a Location carries on the wire.
bool isWireText(const std::string& text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    const auto byte = static_cast<unsigned char>(c);
    return byte > 0x20 && byte < 0x7f && c != '#';
  });
}

bool isDestination(const ast::Expectation& expectation) {
  return std::holds_alternative<ast::ExpectRouted>(expectation.kind) ||
         std::holds_alternative<ast::ExpectSplit>(expectation.kind) ||
         std::holds_alternative<ast::ExpectStatus>(expectation.kind);
}

bool isRedirectStatus(uint64_t status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

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
    const ast::Expectation* retries = nullptr;
    const ast::Expectation* variant = nullptr;
    std::map<std::string, const ast::Expectation*> mirrors;  // by "service.subset"
    const ast::Expectation* redirect = nullptr;
    const ast::Expectation* upstreamPath = nullptr;
    const ast::Expectation* upstreamHost = nullptr;
    std::map<std::pair<ast::ExpectHeader::Side, std::string>, const ast::Expectation*> headers;
    // The first expectation that needs the request forwarded, and the first that needs the
    // sidecar to answer it: no request meets both.
    const ast::Expectation* forwarded = nullptr;
    const ast::Expectation* answered = nullptr;
    const ast::ExpectStatus* status = nullptr;
    for (const ast::Expectation& expectation : test.expectations) {
      std::visit(
          Overloaded{
              [&](const ast::ExpectRouted& e) {
                once(destination, expectation, "where the request goes");
                first(forwarded, expectation);
                if (checkCluster(e.cluster)) checkReachable(test, e.cluster);
              },
              [&](const ast::ExpectSplit& e) {
                once(destination, expectation, "where the request goes");
                first(forwarded, expectation);
                checkSplit(test, e, expectation.loc);
              },
              [&](const ast::ExpectStatus& e) {
                once(destination, expectation, "where the request goes");
                first(answered, expectation);
                status = &e;
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
              [&](const ast::ExpectRetries& e) {
                once(retries, expectation, "the retries");
                first(forwarded, expectation);
                if (e.malformed || e.attempts <= kMaxRetryAttempts) return;
                diagnostics_.error(DiagnosticCode::RetryAttemptsOutOfRange, e.loc,
                                   "a rule retries a request at most " +
                                       std::to_string(kMaxRetryAttempts) +
                                       " times; this expectation could never hold");
              },
              [&](const ast::ExpectVariant&) {
                once(variant, expectation, "the variant");
                first(forwarded, expectation);
              },
              [&](const ast::ExpectMirrored& e) {
                const std::string name = e.cluster.service.name + "." + e.cluster.subset.name;
                once(mirrors[name], expectation, "the mirror to " + name);
                first(forwarded, expectation);
                checkCluster(e.cluster);
                if (e.percent) checkMirrorPercent(*e.percent, diagnostics_);
              },
              [&](const ast::ExpectRedirect& e) {
                once(redirect, expectation, "the redirect");
                first(answered, expectation);
                checkLocation(e.location);
              },
              [&](const ast::ExpectUpstreamPath& e) {
                once(upstreamPath, expectation, "the upstream path");
                first(forwarded, expectation);
                checkUpstreamTarget(e.target);
              },
              [&](const ast::ExpectUpstreamHost& e) {
                once(upstreamHost, expectation, "the upstream host");
                first(forwarded, expectation);
                checkUpstreamHost(e.host);
              },
              [&](const ast::ExpectHeader& e) {
                const bool upstream = e.side == ast::ExpectHeader::Side::kUpstream;
                const std::string name = toLowerAscii(e.name.value);
                once(headers[{e.side, name}], expectation,
                     (upstream ? "the upstream header " : "the response header ") + quoted(name));
                if (upstream) first(forwarded, expectation);
                checkHeader(e);
              },
          },
          expectation.kind);
    }
    // Two destinations (`routed` and `status`) are E0604 already.
    if (forwarded != nullptr && answered != nullptr &&
        !(isDestination(*forwarded) && isDestination(*answered))) {
      // Reported at the later of the two (both point into test.expectations).
      const bool forwardedLater = forwarded > answered;
      const char* forwardedText = "forwarded upstream";
      const char* answeredText = "answered by the sidecar";
      diagnostics_.error(
          DiagnosticCode::ContradictoryExpectations, (forwardedLater ? forwarded : answered)->loc,
          std::string("this expectation needs the request ") +
              (forwardedLater ? forwardedText : answeredText) + ", the one at line " +
              std::to_string((forwardedLater ? answered : forwarded)->loc.line) + " needs it " +
              (forwardedLater ? answeredText : forwardedText));
    }
    if (redirect != nullptr && status != nullptr && !status->malformed &&
        !isRedirectStatus(status->status)) {
      diagnostics_.error(DiagnosticCode::ContradictoryExpectations, redirect->loc,
                         "a redirect's status is 301, 302, 303, 307 or 308; this test also "
                         "expects status " +
                             std::to_string(status->status));
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

  static void first(const ast::Expectation*& slot, const ast::Expectation& expectation) {
    if (slot == nullptr) slot = &expectation;
  }

  // A Location as a sidecar writes one: absolute with the scheme it may have, or (for a request
  // without a host) a path.
  void checkLocation(const ast::StringLiteral& location) {
    const std::string& text = location.value;
    const bool absolute = text.starts_with("http://") || text.starts_with("https://");
    if (isWireText(text) && (absolute || text.front() == '/')) return;
    diagnostics_.error(DiagnosticCode::MalformedExpectation, location.loc,
                       "a sidecar never sends the Location " + quoted(text) +
                           "; write it as sent: \"https://HOST[:PORT]/path?query\", "
                           "percent-encoded, without spaces or a fragment");
  }

  void checkUpstreamTarget(const ast::StringLiteral& target) {
    if (isWireText(target.value) && target.value.front() == '/') return;
    diagnostics_.error(DiagnosticCode::MalformedExpectation, target.loc,
                       "an upstream never receives the path " + quoted(target.value) +
                           "; write it as sent: \"/path\", or \"/path?query\" when the "
                           "request has a query, percent-encoded, without spaces or a fragment");
  }

  void checkUpstreamHost(const ast::StringLiteral& host) {
    const std::string& text = host.value;
    if (isWireText(text) && text.find_first_of("/?@") == std::string::npos) return;
    diagnostics_.error(DiagnosticCode::MalformedExpectation, host.loc,
                       "an upstream never receives the Host " + quoted(text) +
                           "; write it as sent: \"HOST\" or \"HOST:PORT\"");
  }

  void checkHeader(const ast::ExpectHeader& header) {
    const std::string& name = header.name.value;
    if (!isHttpToken(name)) {
      diagnostics_.error(DiagnosticCode::InvalidHeaderName, header.name.loc,
                         "invalid header name " + quoted(name));
    } else if (mesh::isSidecarOwnedHeader(toLowerAscii(name))) {
      const bool upstream = header.side == ast::ExpectHeader::Side::kUpstream;
      const bool host = toLowerAscii(name) == "host";
      diagnostics_.error(DiagnosticCode::ManagedHeaderExpectation, header.name.loc,
                         "the sidecar manages " + quoted(toLowerAscii(name)) +
                             " itself and no rule edits it" +
                             (host && upstream ? "; use 'expect upstream host'" : ""));
    }
    if (header.value && hasControlCharacter(header.value->value)) {
      diagnostics_.error(DiagnosticCode::HeaderValueControlCharacter, header.value->loc,
                         "header value contains a control character");
    }
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
                         [](const ast::ExperimentTarget&) {},
                     },
                     rule.target);
        }
      }
    }
    // The sidecar answers a CORS preflight itself.
    if (std::any_of(policy.services.begin(), policy.services.end(),
                    [](const ast::Service& s) { return !s.corsPolicies.empty(); })) {
      statuses.insert(200);
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
