#pragma once

// The Policy IR: the compiler's contract. One Module per workload, holding only what that
// workload's sidecar needs. Small and closed: predicates and actions are variants, so a new kind
// fails to compile until every stage (printer, evaluator, codegen) handles it.

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "support/SourceLoc.h"

namespace meshc::ir {

// A predicate reads one subject of the request and tests it. Header names are lower-case; when a
// header or query parameter repeats in a mesh_request, its first occurrence is the one tested (the
// runtime's request model joins repeated headers' values with ",", so a header never repeats).
struct RequestPath {};
struct RequestMethod {};
struct HeaderValue {
  std::string name;
};
struct QueryValue {
  std::string name;  // percent-decoded, case-sensitive
};
// The request's authority port in decimal, or its service's main port when the authority has none.
// Only Equals tests it (see Verifier).
struct DestinationPort {};
using Subject = std::variant<RequestPath, RequestMethod, HeaderValue, QueryValue, DestinationPort>;

// Tests of a present subject's value; a missing header or query parameter passes none of them.
struct Equals {
  std::string value;
};
struct Prefix {  // bytes
  std::string value;
};
// Gateway API's PathPrefix: the value, then the end of the path or a '/'. The value never ends in
// '/'; the empty value passes every path.
struct SegmentPrefix {
  std::string value;
};
struct Suffix {
  std::string value;
};
// An RE2 full match of Module::regexes[index], asked of the runtime (abi.h mesh_regex_matcher).
struct Regex {
  uint32_t index = 0;
};
struct Present {};
using Test = std::variant<Equals, Prefix, SegmentPrefix, Suffix, Regex, Present>;

struct Predicate {
  Subject subject;
  Test test;
  bool negated = false;  // holds exactly when the test does not
  SourceLoc loc;
};

// Predicates that must all hold; the empty conjunction holds for every request.
using Conjunction = std::vector<Predicate>;

// Weights are in basis points (1/100 of a percent); the weights of a split total 10000.
inline constexpr uint32_t kWeightTotal = 10000;

struct Forward {
  uint32_t cluster = 0;  // index into Module::clusters
};
struct WeightedCluster {
  uint32_t cluster = 0;
  uint32_t weight = 0;
};
// Picks a target by `mesh_draw(request.seed, MESH_DRAW_SPLIT) % kWeightTotal` (abi.h) against the
// running sum of weights, in order.
struct Split {
  std::vector<WeightedCluster> targets;
};
// A rule the sidecar answers itself (a redirect or a direct response action), or, without such an
// action, with 500 (Gateway API: a rule without backends). route() decides MESH_NO_CLUSTER.
struct NoBackend {};
// A rule whose Experiment action picks the cluster at run time: route() decides
// MESH_EXPERIMENT_CLUSTER (abi.h mesh_experiment).
struct ExperimentTarget {};
// Where a matched request goes: the one decision route() computes.
using Target = std::variant<Forward, Split, NoBackend, ExperimentTarget>;

// Settings that apply once a rule is chosen. They are data, not code: codegen emits them into the
// rule's constant descriptor (abi.h mesh_rule) and the runtime applies them, so a new kind never
// changes the generated route().
struct RequestTimeout {
  uint64_t milliseconds = 0;  // how long the upstream has to answer with a response head
};

// Retries of a forwarded request that failed (abi.h mesh_retry): sent again up to `attempts` times,
// each to another endpoint where one is left, after a backoff drawn from
// [0, min(backoffMaxMs, backoffBaseMs * 2^(retry - 1))), within the rule's timeout.
enum class RetryReason { ServerError, GatewayError, Reset, ConnectFailure, Retriable4xx };
struct RetryPolicy {
  uint32_t attempts = 0;             // after the first attempt: 1-10
  std::vector<RetryReason> reasons;  // distinct, in enum order
  std::vector<uint32_t> statuses;    // further statuses retried: 100-599, ascending, distinct
  uint64_t perTryTimeoutMs = 0;      // each attempt's time to a response head; 0: none
  uint64_t backoffBaseMs = 0;        // at least 1
  uint64_t backoffMaxMs = 0;         // at least backoffBaseMs
  uint32_t budget = 0;               // basis points, 1-10000, of the cluster's active requests
  bool nonIdempotent = false;        // retry every method, not only idempotent ones
};

struct HeaderEdit {
  enum class Op { Set, Add, Remove } op;
  std::string name;   // lower-case
  std::string value;  // empty for Remove
};
// Edits of the request forwarded upstream, and of the response returned downstream; in order.
struct RequestHeaderEdits {
  std::vector<HeaderEdit> edits;
};
struct ResponseHeaderEdits {
  std::vector<HeaderEdit> edits;
};

// The sidecar answers by itself.
struct DirectResponse {
  uint32_t status = 0;
  std::string body;
};

// A new path: the whole of it, or the rule's matched segment prefix replaced (abi.h).
struct PathRewrite {
  enum class Kind { Keep, Full, Prefix } kind = Kind::Keep;
  std::string value;
  std::string prefix;  // Prefix: the segment prefix every group of the rule matches
};

struct Redirect {
  uint32_t status = 0;
  std::string scheme;  // empty keeps the request's
  std::string host;    // empty keeps the request's
  uint32_t port = 0;   // 0: abi.h's default rule
  PathRewrite path;
};

struct Rewrite {
  std::string host;  // empty keeps the request's
  PathRewrite path;
};

// A copy of the forwarded request goes to each target whose own draw,
// `mesh_draw(request.seed, MESH_DRAW_MIRROR + i) % kWeightTotal` for the i-th target, is below its
// weight (abi.h); the copy's response is discarded. Targets name distinct clusters, of any service.
struct MirrorTarget {
  uint32_t cluster = 0;  // index into Module::clusters
  uint32_t weight = 0;   // basis points, 1-10000
};
struct Mirrors {
  std::vector<MirrorTarget> targets;
};

// An A/B experiment: how the runtime assigns a request to a variant (abi.h mesh_experiment).
struct Variant {
  std::string name;
  uint32_t cluster = 0;
  uint32_t weight = 0;  // in basis points; a rule's variants total kWeightTotal
};
struct Experiment {
  enum class Sticky { None, Header, Cookie, Constant } sticky = Sticky::None;
  std::string name;
  std::string stickyName;            // the header (lower-case) or cookie, or the constant key
  std::string cookie;                // the assignment cookie; empty for none
  uint64_t cookieMaxAgeSeconds = 0;  // 0: a session cookie
  std::vector<Variant> variants;
};

// CORS for the rule's requests (abi.h mesh_cors): a preflight is answered by the sidecar, an
// allowed origin's responses get Access-Control-* fields. The lists are the values sent.
struct Cors {
  std::string name;  // the policy's, for people reading the IR
  std::vector<std::string> origins;
  std::string allowMethods;  // ", "-joined; "*" echoes the requested method; "" sends none
  std::string allowHeaders;  // likewise for the requested headers
  std::string exposeHeaders;
  uint64_t maxAgeSeconds = 0;
  bool credentials = false;
};

using Action = std::variant<RequestTimeout, RetryPolicy, RequestHeaderEdits, ResponseHeaderEdits,
                            DirectResponse, Redirect, Rewrite, Mirrors, Cors, Experiment>;

struct Rule {
  // The rule matches when any conjunction holds; `otherwise` is one empty conjunction.
  std::vector<Conjunction> anyOf;
  Target target;
  std::vector<Action> actions;  // at most one of each kind, in a fixed order (see Verifier)
  SourceLoc loc;
};

// What a service's sidecars accept inbound, and so what its callers send (abi.h MESH_MTLS_*).
enum class Mtls { Disable, Permissive, Strict };

struct Service {
  std::string name;
  // The request hosts (lower-case, no port) that reach the service: DNS names, and wildcards
  // "*.example.com" matching any host that ends in ".example.com". An exact host wins over a
  // wildcard, a longer wildcard over a shorter one.
  std::vector<std::string> hosts;
  // The ports a request's authority may name; the first is the service's main port, which a
  // request without one is taken to address.
  std::vector<uint32_t> ports;
  std::vector<Rule> rules;  // tried in order; first match wins
  Mtls mtls = Mtls::Permissive;
  // The SPIFFE IDs of the workloads that serve the service, sorted and distinct: a caller's mutual
  // TLS peer must present one of them. Empty when the policy declares no workload for it.
  std::vector<std::string> principals;
  SourceLoc loc;
};

struct Cluster {
  std::string service;
  std::string subset;
  uint32_t serviceIndex = 0;           // into Module::services
  std::vector<std::string> endpoints;  // "host:port"
  std::string name() const { return service + "." + subset; }
};

// How the runtime normalises paths before matching and forwarding them (abi.h).
enum class EncodedSlashes { Keep, Decode, Reject };
struct PathSettings {
  bool mergeSlashes = false;
  EncodedSlashes encodedSlashes = EncodedSlashes::Keep;
};

struct Module {
  std::string meshName;
  std::string workload;
  std::string digest;             // "sha256:<hex>" of the normalised policy source
  std::string trustDomain;        // the mesh's trust_domain, or "cluster.local"
  std::string principal;          // the workload's own SPIFFE ID, in trustDomain
  std::vector<Service> services;  // services the workload may call, then its own
  std::vector<Cluster> clusters;
  int32_t localService = -1;
  int32_t localCluster = -1;
  // Services in [0, routableServices) are reachable through the outbound listener; a workload's
  // own service, when it does not also call it, sits after them and serves only inbound metadata.
  uint32_t routableServices = 0;
  std::vector<std::string> regexes;  // RE2 patterns; predicates name them by index
  PathSettings paths;
};

// The position of a service's rule in the module-wide rule table (abi.h mesh_module.rules): every
// service's rules, service by service.
inline uint32_t globalRuleIndex(const Module& module, uint32_t service, uint32_t rule) {
  uint32_t index = rule;
  for (uint32_t s = 0; s < service; ++s)
    index += static_cast<uint32_t>(module.services[s].rules.size());
  return index;
}

// The rule at a module-wide index (the inverse of globalRuleIndex); null when out of range.
inline const Rule* ruleAt(const Module& module, uint32_t globalIndex) {
  for (const Service& service : module.services) {
    if (globalIndex < service.rules.size()) return &service.rules[globalIndex];
    globalIndex -= static_cast<uint32_t>(service.rules.size());
  }
  return nullptr;
}

}  // namespace meshc::ir
