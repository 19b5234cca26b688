#pragma once

// The syntax tree of one policy file: what was written, with where it was written. Faithful to the
// source (a repeated `port` or `route` is kept, not merged) so sema can report it.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "support/SourceLoc.h"

namespace meshc::ast {

struct Identifier {
  std::string name;
  SourceLoc loc;
};

struct StringLiteral {
  std::string value;  // unescaped
  SourceLoc loc;
};

// A literal the parser already reported as malformed (e.g. too large) is kept with `malformed`
// set, so later checks skip it instead of piling a second error onto the same token.
struct Duration {
  uint64_t milliseconds = 0;
  std::string text;
  SourceLoc loc;
  bool malformed = false;
};

struct Percent {
  uint32_t basisPoints = 0;  // 1/100 of a percent
  std::string text;
  SourceLoc loc;
  bool malformed = false;
};

// How a condition compares a request field with its literal. `Prefix` is segment-aware on paths
// (Gateway API PathPrefix: "/v2" matches "/v2" and "/v2/x", never "/v2x") and a plain byte prefix
// elsewhere; `StartsWith`, the plain byte prefix of a path, exists only for paths. `Matches` is an
// RE2 full match. `Present` and `Absent` exist only for headers and query parameters.
enum class StringTest { Equals, Prefix, StartsWith, Suffix, Matches, Present, Absent };

// The test as a policy spells it: "==", "prefix", "starts_with", ...
inline const char* spelling(StringTest test) {
  switch (test) {
    case StringTest::Equals:
      return "==";
    case StringTest::Prefix:
      return "prefix";
    case StringTest::StartsWith:
      return "starts_with";
    case StringTest::Suffix:
      return "suffix";
    case StringTest::Matches:
      return "matches";
    case StringTest::Present:
      return "present";
    case StringTest::Absent:
      return "absent";
  }
  return "";
}

struct PathMatch {
  StringTest test;
  StringLiteral value;
};

struct MethodMatch {
  Identifier method;
};

struct HeaderMatch {
  StringTest test;
  StringLiteral name;
  StringLiteral value;  // empty for Present and Absent
};

struct QueryMatch {
  StringTest test;
  StringLiteral name;
  StringLiteral value;  // empty for Present and Absent
};

// `port 9080`: the destination port.
struct PortMatch {
  uint64_t number = 0;
  SourceLoc loc;
  bool malformed = false;
};

// Conditions on the calling workload: `source workload W`, `source label "k" <test>` and
// `source principal <test>`.
struct SourceWorkloadMatch {
  Identifier workload;
};

struct SourceLabelMatch {
  StringTest test;
  StringLiteral name;
  StringLiteral value;  // empty for Present and Absent
};

struct SourcePrincipalMatch {
  StringTest test;
  StringLiteral value;  // empty for Present and Absent
};

struct Condition {
  std::variant<PathMatch, MethodMatch, HeaderMatch, QueryMatch, PortMatch, SourceWorkloadMatch,
               SourceLabelMatch, SourcePrincipalMatch>
      match;
  bool negated = false;  // written `not <condition>` (an odd number of times)
  SourceLoc loc;
};

// Conditions joined by `and`: the group holds when every condition does.
struct ConditionGroup {
  std::vector<Condition> conditions;
  SourceLoc loc;
};

struct SubsetTarget {
  Identifier subset;
};

struct SplitEntry {
  Identifier subset;
  Percent weight;
};

struct SplitTarget {
  std::vector<SplitEntry> entries;
  SourceLoc loc;
};

// `=> redirect 301 { ... }`: the sidecar answers with a redirect built from the rule's settings.
struct RedirectTarget {
  uint64_t status = 0;
  SourceLoc loc;
  bool malformed = false;
};

// `=> respond 503 "body"`: the sidecar answers by itself.
struct RespondTarget {
  uint64_t status = 0;
  std::optional<StringLiteral> body;
  SourceLoc loc;
  bool malformed = false;
};

// `=> experiment NAME`: the service's experiment assigns a variant, which names the subset.
struct ExperimentTarget {
  Identifier experiment;
};

using Target =
    std::variant<SubsetTarget, SplitTarget, RedirectTarget, RespondTarget, ExperimentTarget>;

// `reviews.v2` in a test or a mirror: a subset of a service.
struct ClusterRef {
  Identifier service;
  Identifier subset;
};

// The settings a rule's block may hold. Which fit depends on the rule's target (sema checks).
struct TimeoutSetting {
  Duration timeout;
};
struct RewriteSetting {
  enum class Part { Path, Prefix, Host } part;
  StringLiteral value;
  SourceLoc loc;
};
struct HeaderEditSetting {
  enum class Side { Request, Response } side;
  enum class Op { Set, Add, Remove } op;
  StringLiteral name;
  StringLiteral value;  // empty for Remove
  SourceLoc loc;
};
// A part of a redirect's Location: `scheme https;`, `host "h";`, `port 8443;`, `path "/p";` or
// `prefix "/p";` (replacing the path prefix the rule matched).
struct RedirectSetting {
  enum class Part { Scheme, Host, Port, Path, Prefix } part;
  std::string value;  // the scheme, host, path or prefix; the port's digits
  uint64_t port = 0;
  SourceLoc loc;
  bool malformed = false;
};
// `mirror reviews-shadow.v1 10%;`: a copy of the forwarded request goes to a subset of any
// service; without a percentage, every request's.
struct MirrorSetting {
  ClusterRef target;
  std::optional<Percent> percent;
  SourceLoc loc;
};
// `cors NAME;`: the service's CORS policy applies to the rule's requests and responses.
struct CorsSetting {
  Identifier policy;
  SourceLoc loc;
};

// What makes the sidecar send a request again (abi.h MESH_RETRY_*), as `on` names it.
enum class RetryReason { ServerError, GatewayError, Reset, ConnectFailure, Retriable4xx };

inline constexpr RetryReason kRetryReasons[] = {RetryReason::ServerError, RetryReason::GatewayError,
                                                RetryReason::Reset, RetryReason::ConnectFailure,
                                                RetryReason::Retriable4xx};

// The reason as a policy spells it: "5xx", "gateway_error", ...
inline const char* spelling(RetryReason reason) {
  switch (reason) {
    case RetryReason::ServerError:
      return "5xx";
    case RetryReason::GatewayError:
      return "gateway_error";
    case RetryReason::Reset:
      return "reset";
    case RetryReason::ConnectFailure:
      return "connect_failure";
    case RetryReason::Retriable4xx:
      return "retriable_4xx";
  }
  return "";
}

// The reason `text` names; empty for any other word or status class (e.g. "4xx").
inline std::optional<RetryReason> retryReasonNamed(std::string_view text) {
  for (RetryReason reason : kRetryReasons) {
    if (text == spelling(reason)) return reason;
  }
  return std::nullopt;
}

// One condition of `on`: a reason's name or status class, or a response status, as written.
struct RetryCondition {
  std::string text;                // "gateway_error", "5xx", "429"
  std::optional<uint64_t> status;  // when a number
  SourceLoc loc;
  bool malformed = false;
};

struct RetryAttempts {
  uint64_t count = 0;
  SourceLoc loc;
  bool malformed = false;
};

// `on COND, ...;`
struct RetryOn {
  std::vector<RetryCondition> conditions;
  SourceLoc loc;
};

// `backoff BASE [max MAX];`
struct RetryBackoff {
  Duration base;
  std::optional<Duration> max;
  SourceLoc loc;
};

// `retry { ... }`, on a route or in a rule's block. Every statement is kept, so sema can report a
// repeat or a missing `attempts`.
struct RetrySetting {
  std::vector<RetryAttempts> attempts;   // exactly one is valid
  std::vector<RetryOn> on;               // at most one is valid
  std::vector<Duration> perTryTimeouts;  // at most one is valid
  std::vector<RetryBackoff> backoffs;    // at most one is valid
  std::vector<Percent> budgets;          // at most one is valid
  std::vector<SourceLoc> nonIdempotent;  // `non_idempotent;` statements (at most one is valid)
  SourceLoc loc;
};

using RuleSetting = std::variant<TimeoutSetting, RewriteSetting, HeaderEditSetting, RedirectSetting,
                                 MirrorSetting, CorsSetting, RetrySetting>;

struct RouteRule {
  bool otherwise = false;
  std::vector<ConditionGroup> groups;  // joined by `or`; empty when `otherwise`
  Target target;
  std::optional<Duration> timeout;    // the short form's `timeout D`
  std::vector<RuleSetting> settings;  // the block form's settings, as written
  SourceLoc loc;
};

struct Route {
  std::vector<RouteRule> rules;
  std::vector<Duration> timeouts;  // route-level `timeout` statements (at most one is valid)
  std::vector<Identifier> cors;    // route-level `cors` statements (at most one is valid)
  std::vector<RetrySetting> retries;  // route-level `retry` blocks (at most one is valid)
  SourceLoc loc;
};

struct ServicePort {
  uint64_t number = 0;
  std::optional<Identifier> protocol;
  SourceLoc loc;
  bool malformed = false;
};

struct Subset {
  Identifier name;
  std::vector<StringLiteral> endpoints;
  std::vector<SourceLoc> endpointLists;  // one per `endpoints` statement (at most one is valid)
  SourceLoc loc;
};

struct ExperimentVariant {
  Identifier name;
  Percent weight;
  Identifier subset;
};

// What keeps a caller on one variant: a header's or a cookie's value, or the caller's principal.
struct StickyKey {
  enum class Kind { Header, Cookie, Principal } kind = Kind::Header;
  StringLiteral name;  // empty for Principal
  SourceLoc loc;
};

// `cookie "NAME" [MAX_AGE];`: the cookie that keeps a request's assignment.
struct AssignmentCookie {
  StringLiteral name;
  std::optional<Duration> maxAge;
  SourceLoc loc;
};

struct Experiment {
  Identifier name;
  std::vector<ExperimentVariant> variants;
  std::vector<StickyKey> stickyKeys;      // at most one is valid
  std::vector<AssignmentCookie> cookies;  // at most one is valid
  SourceLoc loc;
};

// One list of a CORS policy: `origins [...]`, `methods [...]`, `headers [...]` or `expose [...]`.
struct CorsList {
  enum class Kind { Origins, Methods, Headers, Expose } kind = Kind::Origins;
  std::vector<StringLiteral> values;
  SourceLoc loc;
};

struct CorsPolicy {
  Identifier name;
  std::vector<CorsList> lists;         // at most one of each kind is valid
  std::vector<Duration> maxAges;       // at most one is valid
  std::vector<SourceLoc> credentials;  // `credentials;` statements (at most one is valid)
  SourceLoc loc;
};

struct Service {
  Identifier name;
  std::vector<ServicePort> ports;      // the first is the service's main port
  std::vector<Identifier> namespaces;  // `namespace` statements (at most one is valid)
  std::vector<StringLiteral> hosts;    // extra names from `hosts` lists
  std::vector<Subset> subsets;
  std::vector<Experiment> experiments;
  std::vector<CorsPolicy> corsPolicies;
  std::vector<Route> routes;
  std::vector<Identifier> mtls;  // `mtls MODE;` (at most one is valid); else the mesh's
  SourceLoc loc;
};

struct WorkloadLabel {
  StringLiteral name;
  StringLiteral value;
};

struct Workload {
  Identifier name;
  std::vector<Identifier> services;  // `service` statements (exactly one is valid)
  std::vector<Identifier> versions;  // `version` statements (exactly one is valid)
  std::vector<Identifier> calls;
  std::vector<WorkloadLabel> labels;
  std::vector<Identifier> serviceAccounts;  // `service_account` statements (at most one is valid)
  SourceLoc loc;
};

struct RequestHeader {
  StringLiteral name;
  StringLiteral value;
};

// `from W request METHOD "URL" [header "h" = "v"]... [principal "spiffe://..."];`
struct TestRequest {
  Identifier from;
  Identifier method;
  StringLiteral url;
  std::vector<RequestHeader> headers;
  std::vector<StringLiteral> principals;  // at most one is valid
  SourceLoc loc;
};

struct ExpectRouted {
  ClusterRef cluster;
};

struct ExpectShare {
  ClusterRef cluster;
  Percent share;
};

struct ExpectSplit {
  std::vector<ExpectShare> shares;
};

struct ExpectStatus {
  uint64_t status = 0;
  bool malformed = false;
};

struct ExpectTimeout {
  std::optional<Duration> timeout;  // empty: `expect no timeout`
};

// `expect variant NAME`: an experiment assigned the request to this variant, whatever its draw.
struct ExpectVariant {
  Identifier variant;
};

// `expect redirect "LOCATION";`: the rule answers with a redirect to exactly this Location.
struct ExpectRedirect {
  StringLiteral location;
};

// `expect upstream path "/p?q";`: the target the upstream receives (path, and the query if any).
struct ExpectUpstreamPath {
  StringLiteral target;
};

// `expect upstream host "h";`: the Host the upstream receives.
struct ExpectUpstreamHost {
  StringLiteral host;
};

// `expect upstream|response header "h" = "v";` or `... absent;`.
struct ExpectHeader {
  enum class Side { kUpstream, kResponse };
  Side side = Side::kUpstream;
  StringLiteral name;
  std::optional<StringLiteral> value;  // empty: `absent`
};

// `expect retries N;`: the deciding rule retries a failed request up to N times (0: never).
struct ExpectRetries {
  uint64_t attempts = 0;
  SourceLoc loc;
  bool malformed = false;
};

// `expect mirrored reviews-shadow.v1 10%;`: the deciding rule mirrors to the subset with that
// percentage (100% when none is written).
struct ExpectMirrored {
  ClusterRef cluster;
  std::optional<Percent> percent;
};

using ExpectationKind = std::variant<ExpectRouted, ExpectSplit, ExpectStatus, ExpectTimeout,
                                     ExpectRedirect, ExpectUpstreamPath, ExpectUpstreamHost,
                                     ExpectHeader, ExpectVariant, ExpectMirrored, ExpectRetries>;

struct Expectation {
  ExpectationKind kind;
  SourceLoc loc;
};

// `test "name" { ... }`: a request and what the policy must decide for it.
struct TestCase {
  StringLiteral name;
  std::vector<TestRequest> requests;  // exactly one is valid
  std::vector<Expectation> expectations;
  SourceLoc loc;
};

struct Mesh {
  Identifier name;
  std::vector<StringLiteral> trustDomains;
  std::vector<SourceLoc> mergeSlashes;        // `merge_slashes;` statements (at most one is valid)
  std::vector<Identifier> encodedSlashes;     // `encoded_slashes ACTION;` (at most one is valid)
  std::vector<Identifier> namespaces;         // `namespace NAME;` (at most one is valid)
  std::vector<StringLiteral> clusterDomains;  // `cluster_domain "...";` (at most one is valid)
  std::vector<Identifier> mtls;               // `mtls MODE;` (at most one is valid)
  SourceLoc loc;
};

struct Policy {
  std::string file;
  std::optional<Mesh> mesh;
  std::vector<Service> services;
  std::vector<Workload> workloads;
  std::vector<TestCase> tests;
};

}  // namespace meshc::ast
