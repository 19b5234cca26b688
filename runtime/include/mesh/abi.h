/* The one seam between compiled policy code and the sidecar runtime.
 *
 * A compiled policy module defines the constant `mesh_policy_module`; the runtime reads its tables
 * and calls its entry points. Plain C, fixed-width fields, explicit padding: the compiler's code
 * generator lays the same structs out in LLVM IR, and a codegen test checks every offset against
 * this header. Nothing crossing the seam is owned by the callee; no exceptions cross it.
 * Change any layout => bump MESH_ABI_VERSION; the runtime refuses modules of another version. */
#ifndef MESH_ABI_H
#define MESH_ABI_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MESH_ABI_VERSION 4u

/* A byte string that is not NUL-terminated. */
typedef struct mesh_str {
  const char* data;
  uint64_t len;
} mesh_str;

typedef struct mesh_header {
  mesh_str name; /* lower-case */
  mesh_str value;
} mesh_header;

/* Regular expressions, lent by the runtime. A module lists its RE2 patterns once
 * (mesh_module.regexes); the runtime compiles each at start-up, never per request, and route()
 * asks it through this table. RE2 runs in time linear in the input, so no request can make a
 * match slow. */
typedef struct mesh_regex_matcher {
  const void* context;
  /* 1 when the whole of (data, len) matches mesh_module.regexes[regex], else 0. */
  uint32_t (*full_match)(const void* context, uint32_t regex, const char* data, uint64_t len);
} mesh_regex_matcher;

/* A request as the policy sees it, normalised by the runtime's request model (one library shared
 * with meshc's tools): host is lower-case with the port removed; path is normalised per
 * mesh_module's path settings and excludes the query; it is also what the upstream receives. */
typedef struct mesh_request {
  mesh_str method;           /* as received, e.g. "GET" (methods are case-sensitive) */
  mesh_str scheme;           /* "http" or "https" */
  mesh_str host;             /* authority host, lower-case, no port */
  mesh_str path;             /* up to, not including, '?' */
  mesh_str query;            /* after '?', empty when absent */
  mesh_str source_principal; /* SPIFFE ID of the peer, empty when unknown */
  mesh_str source_address;   /* "ip:port" of the peer */
  const mesh_header* headers; /* in received order; the runtime's request model gives each name
                               * once, a repeated header's values joined with "," */
  uint64_t header_count;
  const mesh_header* query_params; /* the query's name=value pairs in received order, names and
                                    * values percent-decoded; a name may repeat, and a policy
                                    * matches its first occurrence */
  uint64_t query_param_count;
  const mesh_regex_matcher* regex; /* for mesh_module.regexes; null when the module has none */
  uint64_t seed; /* uniform random per request; every draw derives from it (mesh_draw) */
  uint32_t port; /* authority port, 0 when absent */
  uint32_t reserved0;
} mesh_request;

/* Random draws. Each random choice a policy makes (a split's target, each mirror; faults and trace
 * sampling later) takes its own value from the request's seed, mesh_draw(seed, MESH_DRAW_*), so
 * the choices are independent: a request in a split's 10% is not for that reason in a mirror's 10%.
 * Mirror i of a rule draws from stream MESH_DRAW_MIRROR + i (mesh_mirrors).
 * The mix is SplitMix64's finalizer, a bijection that spreads every seed bit over the result. */
enum { MESH_DRAW_SPLIT = 1, MESH_DRAW_EXPERIMENT = 2, MESH_DRAW_MIRROR = 0x100 };

static inline uint64_t mesh_draw(uint64_t seed, uint64_t stream) {
  uint64_t z = seed + stream * 0x9E3779B97F4A7C15ull;
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

/* Result of route(). */
enum {
  MESH_ROUTE_MATCHED = 0,    /* decision is filled in */
  MESH_ROUTE_NO_SERVICE = 1, /* host names no service this workload may call */
  MESH_ROUTE_NO_RULE = 2     /* the service's route has no rule for this request */
};

/* The decision's cluster for a rule that has no backends. */
#define MESH_NO_CLUSTER 0xFFFFFFFFu
/* The decision's cluster for a rule whose experiment (MESH_ACTION_EXPERIMENT) picks it. */
#define MESH_EXPERIMENT_CLUSTER 0xFFFFFFFEu

/* What route() decides; everything else about the matched rule is data in its mesh_rule. */
typedef struct mesh_route_decision {
  uint32_t rule;    /* index into mesh_module.rules */
  uint32_t cluster; /* index into mesh_module.clusters: the rule's target, or for a split the
                     * first target whose running weight sum exceeds
                     * mesh_draw(seed, MESH_DRAW_SPLIT) % 10000; MESH_NO_CLUSTER for a rule
                     * without backends (it answers by an action, or 500); or
                     * MESH_EXPERIMENT_CLUSTER for an experiment's rule */
} mesh_route_decision;

/* Per-rule actions: settings the runtime applies once route() has chosen a rule. The set is open:
 * a new kind is a new enumerator and a config struct here, constant data from the compiler and a
 * handler in the runtime; route() itself does not change. Kinds are never renumbered, so adding one
 * changes no layout and needs no MESH_ABI_VERSION bump: a runtime that predates a kind refuses, at
 * start-up, a module that holds it, naming the rule's location and the kind's number. */
enum {
  MESH_ACTION_TIMEOUT = 1,          /* config: mesh_timeout_action */
  MESH_ACTION_REQUEST_HEADERS = 2,  /* config: mesh_header_edits, on the request forwarded */
  MESH_ACTION_RESPONSE_HEADERS = 3, /* config: mesh_header_edits, on the response returned */
  MESH_ACTION_DIRECT_RESPONSE = 4,  /* config: mesh_direct_response */
  MESH_ACTION_REDIRECT = 5,         /* config: mesh_redirect */
  MESH_ACTION_REWRITE = 6,          /* config: mesh_rewrite */
  MESH_ACTION_MIRROR = 7,           /* config: mesh_mirrors */
  MESH_ACTION_EXPERIMENT = 8,       /* config: mesh_experiment */
  MESH_ACTION_CORS = 9,             /* config: mesh_cors */
  MESH_ACTION_RETRY = 10            /* config: mesh_retry */
};

typedef struct mesh_action {
  uint32_t kind; /* MESH_ACTION_* */
  uint32_t reserved0;
  const void* config; /* points to the kind's config struct */
} mesh_action;

/* The time the upstream has to answer with a response head; 0 means none. */
typedef struct mesh_timeout_action {
  uint64_t timeout_ms;
} mesh_timeout_action;

/* Header edits, applied in order. SET replaces every field of the name (or adds one), ADD appends
 * a field, REMOVE deletes every field of the name. Names are lower-case; strings never hold NUL. */
enum { MESH_HEADER_SET = 1, MESH_HEADER_ADD = 2, MESH_HEADER_REMOVE = 3 };

typedef struct mesh_header_edit {
  const char* name;
  const char* value; /* "" for REMOVE */
  uint32_t op;       /* MESH_HEADER_* */
  uint32_t reserved0;
} mesh_header_edit;

typedef struct mesh_header_edits {
  const mesh_header_edit* edits;
  uint32_t count;
  uint32_t reserved0;
} mesh_header_edits;

/* The sidecar answers the request itself; nothing is forwarded. */
typedef struct mesh_direct_response {
  const char* body; /* "" for none; sent as text/plain */
  uint32_t status;  /* 200-599 */
  uint32_t reserved0;
} mesh_direct_response;

/* A new path for a redirect or a rewrite. For PREFIX, the rule matched the segment prefix
 * `prefix` (abi: no trailing '/'), and `value` replaces it: with prefix "/foo" and value "/bar",
 * "/foo/x" becomes "/bar/x"; with value "/", "/foo/x" becomes "/x" and "/foo" becomes "/". */
enum { MESH_PATH_KEEP = 0, MESH_PATH_FULL = 1, MESH_PATH_PREFIX = 2 };

typedef struct mesh_path_rewrite {
  const char* value;  /* FULL: the path; PREFIX: what replaces the prefix; "" for KEEP */
  const char* prefix; /* PREFIX: the matched prefix; "" otherwise */
  uint32_t kind;      /* MESH_PATH_* */
  uint32_t reserved0;
} mesh_path_rewrite;

/* The sidecar answers with a redirect to the request's URL changed as given. Empty strings keep
 * the request's part. Without a port, the port is the new scheme's default when the scheme
 * changes, else the request's; a port that is its scheme's default is left out of Location. */
typedef struct mesh_redirect {
  const char* scheme; /* "http" or "https", or "" */
  const char* host;
  mesh_path_rewrite path;
  uint32_t port;   /* 0: as above */
  uint32_t status; /* 301, 302, 303, 307 or 308 */
} mesh_redirect;

/* The upstream receives the request with its host (the Host header) and path changed. */
typedef struct mesh_rewrite {
  const char* host; /* "" keeps the request's */
  mesh_path_rewrite path;
} mesh_rewrite;

/* A copy of the forwarded request also goes to an endpoint of `cluster`, its response discarded.
 * Mirror i of the list is taken when mesh_draw(seed, MESH_DRAW_MIRROR + i) % 10000 < weight. */
typedef struct mesh_mirror {
  uint32_t cluster; /* index into mesh_module.clusters */
  uint32_t weight;  /* basis points of 10000: 1-10000 */
} mesh_mirror;

/* The mirrors of a rule that forwards; distinct clusters, at least one. */
typedef struct mesh_mirrors {
  const mesh_mirror* mirrors;
  uint32_t count;
  uint32_t reserved0;
} mesh_mirrors;

/* An A/B experiment: the runtime assigns each request to a variant and routes it to the variant's
 * cluster, the same way on every sidecar and across restarts:
 * 1. a request carrying the assignment cookie `cookie` with a variant's name gets that variant;
 * 2. else, with a sticky key (the header or cookie `sticky_name`, or the constant `sticky_name`),
 *    the ticket is mesh_draw(FNV-1a 64 of name, a NUL byte and the key, MESH_DRAW_EXPERIMENT)
 *    % 10000;
 * 3. else the ticket is mesh_draw(seed, MESH_DRAW_EXPERIMENT) % 10000;
 * and a ticket picks the first variant whose running weight sum exceeds it. When `cookie` is set
 * and the request did not carry a valid one, the upstream's response gets
 * `Set-Cookie: <cookie>=<variant>; Path=/` (with Max-Age when cookie_max_age_s is not 0). */
enum {
  MESH_STICKY_NONE = 0,
  MESH_STICKY_HEADER = 1,
  MESH_STICKY_COOKIE = 2,
  MESH_STICKY_CONSTANT = 3
};

typedef struct mesh_variant {
  const char* name;
  uint32_t cluster; /* index into mesh_module.clusters */
  uint32_t weight;  /* in 1/100 %; the variants' weights total 10000 */
} mesh_variant;

typedef struct mesh_experiment {
  const char* name;
  const char* sticky_name; /* lower-case header name, cookie name or constant key; "" for NONE */
  const char* cookie;      /* the assignment cookie's name, "" for none */
  const mesh_variant* variants;
  uint64_t cookie_max_age_s;
  uint32_t variant_count;
  uint32_t sticky; /* MESH_STICKY_* */
} mesh_experiment;

/* CORS (the Fetch standard's protocol): which browser origins may use the rule's responses.
 * A preflight (OPTIONS with Origin and Access-Control-Request-Method) is answered by the sidecar
 * with 200 and nothing is forwarded: with the Access-Control-Allow-* fields below when its Origin
 * is allowed, without them when not. Other requests go on as usual; when their Origin is allowed,
 * the response gets Access-Control-Allow-Origin (the request's Origin), -Allow-Credentials and
 * -Expose-Headers. An origin is "*" (any), or "SCHEME://HOST[:PORT]": SCHEME "http" or "https",
 * HOST a lower-case name or address, or "*" or "*.DOMAIN" (any name below DOMAIN); without a
 * port, the scheme's default. Values hold no control characters. */
typedef struct mesh_cors {
  const char* const* origins;
  const char* allow_methods;  /* Access-Control-Allow-Methods as sent, e.g. "GET, PUT"; "*" sends
                               * the preflight's requested method; "" none */
  const char* allow_headers;  /* likewise; "*" sends the preflight's requested headers */
  const char* expose_headers; /* Access-Control-Expose-Headers as sent; "" none */
  uint64_t max_age_s;         /* Access-Control-Max-Age on preflight answers; 0 none */
  uint32_t origin_count;      /* at least 1 */
  uint32_t allow_credentials; /* 1: Access-Control-Allow-Credentials: true */
} mesh_cors;

/* Retries (Envoy's retry policy, Istio's `retries`): when an attempt fails in a way `conditions`
 * or `statuses` name, the runtime sends the request again, up to `attempts` more times, each to
 * another endpoint of the cluster where one is left, after a backoff drawn with full jitter from
 * [0, min(backoff_max_ms, backoff_base_ms * 2^(retry - 1))). The route's timeout bounds every
 * attempt and backoff together. A request is retried only when nothing of the response reached the
 * client, its body arrived whole and fits the runtime's replay buffer, and, unless
 * `non_idempotent`, its method is idempotent (RFC 9110: GET, HEAD, OPTIONS, TRACE, PUT, DELETE);
 * a connect failure, which sent nothing, is retried whatever the method. "No response" below is a
 * connection that failed after it was made and before a response head, or a per-try timeout. */
enum {
  MESH_RETRY_5XX = 1u << 0,            /* any 5xx response, a connect failure, no response */
  MESH_RETRY_GATEWAY_ERROR = 1u << 1,  /* 502, 503 or 504, a connect failure, no response */
  MESH_RETRY_RESET = 1u << 2,          /* no response */
  MESH_RETRY_CONNECT_FAILURE = 1u << 3, /* no connection could be made */
  MESH_RETRY_RETRIABLE_4XX = 1u << 4   /* 409 */
};

typedef struct mesh_retry {
  const uint32_t* statuses;    /* further response statuses retried, 100-599, ascending, distinct */
  uint64_t per_try_timeout_ms; /* each attempt's time from its start to a response head; 0: none */
  uint64_t backoff_base_ms;    /* at least 1 */
  uint64_t backoff_max_ms;     /* at least backoff_base_ms */
  uint32_t status_count;
  uint32_t conditions;     /* MESH_RETRY_* */
  uint32_t attempts;       /* retries after the first attempt: 1-10 */
  uint32_t budget;         /* in 1/100 %, 1-10000: retries in flight stay within this share of the
                            * cluster's active requests (a worker may always have 3) */
  uint32_t non_idempotent; /* 1: retry every method */
  uint32_t reserved0;
} mesh_retry;

/* One rule of a service's route, as constant data. */
typedef struct mesh_rule {
  const char* location;       /* "file:line:col" of the rule in the policy source */
  const mesh_action* actions; /* in the order the runtime applies them */
  uint32_t action_count;
  uint32_t service; /* index into mesh_module.services */
  uint32_t index;   /* position within the service's route */
  uint32_t reserved0;
} mesh_rule;

/* A service subset: the unit the runtime balances load over. */
typedef struct mesh_cluster {
  const char* name;    /* "<service>.<subset>", e.g. "reviews.v2" */
  const char* service; /* "reviews" */
  const char* subset;  /* "v2" */
  const char* const* endpoints; /* "host:port" each; the static list from the policy */
  uint32_t endpoint_count;
  uint32_t service_index; /* into mesh_module.services */
} mesh_cluster;

/* Mutual TLS between sidecars (docs/security.md): what a service's sidecars accept on their
 * inbound listener, and so what its callers send. */
enum {
  MESH_MTLS_DISABLE = 0,    /* plaintext only: callers send plaintext */
  MESH_MTLS_PERMISSIVE = 1, /* mutual TLS and plaintext on one port; callers that have a
                             * certificate use mutual TLS */
  MESH_MTLS_STRICT = 2      /* mutual TLS only: plaintext is refused */
};
typedef struct mesh_service {
  const char* name;
  /* The SPIFFE IDs of the workloads that serve the service, sorted and distinct: a caller's
   * mutual TLS peer must present one of them. None: the policy declares no workload for it, so
   * its endpoints are not sidecars and callers reach them in plaintext. */
  const char* const* principals;
  uint32_t port;       /* the port the service's application listens on */
  uint32_t first_rule; /* its route: mesh_module.rules[first_rule, first_rule + rule_count) */
  uint32_t rule_count;
  uint32_t principal_count;
  uint32_t mtls; /* MESH_MTLS_*: the service's own setting, else the mesh's, else PERMISSIVE */
  uint32_t reserved0;
} mesh_service;

/* How the runtime normalises a request path before matching and forwarding it. Always: percent-
 * encoded unreserved characters are decoded, other percent-encodings get upper-case hex, '.' and
 * '..' segments are resolved (never above the root). Encoded slashes (%2F, %5C) are an
 * mesh_module.encoded_slashes choice: */
enum {
  MESH_ENCODED_SLASHES_KEEP = 0,   /* left encoded: the path keeps its segments as sent */
  MESH_ENCODED_SLASHES_DECODE = 1, /* decoded into '/' and '\\' before anything else */
  MESH_ENCODED_SLASHES_REJECT = 2  /* the request is answered 400 */
};

typedef uint32_t (*mesh_route_fn)(const mesh_request* request, mesh_route_decision* decision);

typedef struct mesh_module {
  uint32_t abi_version; /* MESH_ABI_VERSION of the compiler that built it */
  uint32_t reserved0;
  const char* mesh_name;
  const char* workload;       /* the workload this module was specialised for */
  const char* policy_digest;  /* "sha256:<64 hex>" of the normalised policy source */
  const char* compiler_version;
  const char* trust_domain; /* the mesh's trust_domain, default "cluster.local" */
  const char* principal;    /* this workload's SPIFFE ID, in trust_domain */
  const mesh_service* services; /* the services this workload may call, then its own */
  const mesh_cluster* clusters;
  const mesh_rule* rules; /* every service's route, service by service */
  const char* const* regexes; /* RE2 patterns, by index (mesh_regex_matcher) */
  uint32_t service_count;
  uint32_t cluster_count;
  uint32_t rule_count;
  uint32_t regex_count;
  uint32_t merge_slashes;   /* 1: runs of '/' in a path become one '/' */
  uint32_t encoded_slashes; /* MESH_ENCODED_SLASHES_* */
  int32_t local_service; /* index of the service this workload serves, -1 when none */
  int32_t local_cluster; /* index of its own subset, -1 when none */
  mesh_route_fn route;   /* outbound routing decision */
} mesh_module;

/* Defined by the compiled policy object linked into every sidecar. */
extern const mesh_module mesh_policy_module;

#ifdef __cplusplus
}
#endif

#endif /* MESH_ABI_H */
