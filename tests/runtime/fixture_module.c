/* A stand-in for compiler output. `meshc compile` will generate a module like this one from a
 * policy; this hand-written version lets the runtime and its end-to-end test be built and run on
 * their own, without the compiler. It plays the policy of a bookinfo-like workload:
 *
 *   workload productpage-v1 {
 *     service productpage; version v1; calls reviews, details, ratings, web;
 *   }
 *   reviews: header end-user == "jason" => v2; path prefix "/v3" => v3 (no endpoints);
 *            otherwise => v1
 *   details: path prefix "/forbidden" has no rule; otherwise => v1
 *   ratings: otherwise => v1; timeout 300ms
 *   web, one rule per action (the paths are segment prefixes):
 *     "/moved"     redirect 301 to host example.org, prefix "/moved" replaced by "/new";
 *                  response header x-redirected: 1 added
 *     "/secure"    redirect 308 to scheme https
 *     "/gone"      direct response 410 "gone for good\n"; response header cache-control set
 *     "/nobackend" no backends (MESH_NO_CLUSTER), no action: 500
 *     "/api"       => v1, rewritten to host backend.internal, prefix "/api" replaced by "/v2";
 *                  request headers: x-env set, x-tag added, x-debug removed (and, as only a
 *                  hand-made module can, host set and connection set: the sidecar skips both);
 *                  response headers: x-upstream-replace set, x-upstream-remove removed, x-mesh
 *                  added (and content-length removed: skipped)
 *     "/full"      => v1, path rewritten to "/replaced"
 *     otherwise    => v1
 *   payments, retrying (the retry tests' paths say what the fake upstreams do):
 *     "/retry"     => v1, retry 2 attempts on 5xx (so also resets and connect failures), per try
 *                  400 ms, backoff 1 ms up to 4 ms, budget 100%, idempotent methods only
 *     "/any"       => v1, as "/retry", every method
 *     "/limited"   => v1, retry 1 attempt on status 429 only
 *     "/v2"        => v2, as "/retry"
 *     otherwise    => v1, no retry
 *
 * The static endpoints below are placeholders: tests replace them with an endpoints file. */
#include <stddef.h>
#include <string.h>

#include "mesh/abi.h"

/* The end-to-end test also builds variants: another ABI version (to see it refused) and a
 * workload that serves no service (no inbound listener). */
#ifndef FIXTURE_ABI_VERSION
#define FIXTURE_ABI_VERSION MESH_ABI_VERSION
#endif
#ifndef FIXTURE_LOCAL_SERVICE
#define FIXTURE_LOCAL_SERVICE kProductpage
#define FIXTURE_LOCAL_CLUSTER kProductpageV1
#endif

enum { kReviews, kDetails, kRatings, kWeb, kProductpage, kPayments };
enum {
  kReviewsV1,
  kReviewsV2,
  kReviewsV3,
  kDetailsV1,
  kRatingsV1,
  kWebV1,
  kProductpageV1,
  kPaymentsV1,
  kPaymentsV2
};
enum { kWebMoved, kWebSecure, kWebGone, kWebNoBackend, kWebApi, kWebFull, kWebOtherwise };

/* No principals: the fixture's upstreams are plain servers, reached in plaintext. */
static const mesh_service services[] = {
    {"reviews", NULL, 9080, 0, 3, 0, MESH_MTLS_PERMISSIVE, 0},      /* rules 0-2 */
    {"details", NULL, 9080, 3, 2, 0, MESH_MTLS_PERMISSIVE, 0},      /* rules 3-4 */
    {"ratings", NULL, 9080, 5, 1, 0, MESH_MTLS_PERMISSIVE, 0},      /* rule 5 */
    {"web", NULL, 80, 6, 7, 0, MESH_MTLS_PERMISSIVE, 0},            /* rules 6-12 */
    {"productpage", NULL, 9080, 13, 0, 0, MESH_MTLS_PERMISSIVE, 0}, /* its own: no route */
    {"payments", NULL, 8080, 13, 5, 0, MESH_MTLS_PERMISSIVE, 0},    /* rules 13-17 */
};

static const mesh_timeout_action ratingsTimeout = {300};
static const mesh_action ratingsActions[] = {{MESH_ACTION_TIMEOUT, 0, &ratingsTimeout}};

static const mesh_redirect movedRedirect = {
    "", "example.org", {"/new", "/moved", MESH_PATH_PREFIX, 0}, 0, 301};
static const mesh_header_edit movedResponseEdits[] = {{"x-redirected", "1", MESH_HEADER_ADD, 0}};
static const mesh_header_edits movedResponseHeaders = {movedResponseEdits, 1, 0};
static const mesh_action movedActions[] = {
    {MESH_ACTION_REDIRECT, 0, &movedRedirect},
    {MESH_ACTION_RESPONSE_HEADERS, 0, &movedResponseHeaders},
};

static const mesh_redirect secureRedirect = {"https", "", {"", "", MESH_PATH_KEEP, 0}, 0, 308};
static const mesh_action secureActions[] = {{MESH_ACTION_REDIRECT, 0, &secureRedirect}};

static const mesh_direct_response goneResponse = {"gone for good\n", 410, 0};
static const mesh_header_edit goneResponseEdits[] = {
    {"cache-control", "no-store", MESH_HEADER_SET, 0}};
static const mesh_header_edits goneResponseHeaders = {goneResponseEdits, 1, 0};
static const mesh_action goneActions[] = {
    {MESH_ACTION_DIRECT_RESPONSE, 0, &goneResponse},
    {MESH_ACTION_RESPONSE_HEADERS, 0, &goneResponseHeaders},
};

static const mesh_rewrite apiRewrite = {"backend.internal", {"/v2", "/api", MESH_PATH_PREFIX, 0}};
static const mesh_header_edit apiRequestEdits[] = {
    {"x-env", "prod", MESH_HEADER_SET, 0},       {"x-tag", "b", MESH_HEADER_ADD, 0},
    {"x-debug", "", MESH_HEADER_REMOVE, 0},      {"host", "evil.example", MESH_HEADER_SET, 0},
    {"connection", "close", MESH_HEADER_SET, 0},
};
static const mesh_header_edits apiRequestHeaders = {apiRequestEdits, 5, 0};
static const mesh_header_edit apiResponseEdits[] = {
    {"x-upstream-replace", "new", MESH_HEADER_SET, 0},
    {"x-upstream-remove", "", MESH_HEADER_REMOVE, 0},
    {"x-mesh", "on", MESH_HEADER_ADD, 0},
    {"content-length", "", MESH_HEADER_REMOVE, 0},
};
static const mesh_header_edits apiResponseHeaders = {apiResponseEdits, 4, 0};
static const mesh_action apiActions[] = {
    {MESH_ACTION_REWRITE, 0, &apiRewrite},
    {MESH_ACTION_REQUEST_HEADERS, 0, &apiRequestHeaders},
    {MESH_ACTION_RESPONSE_HEADERS, 0, &apiResponseHeaders},
};

static const mesh_rewrite fullRewrite = {"", {"/replaced", "", MESH_PATH_FULL, 0}};
static const mesh_action fullActions[] = {{MESH_ACTION_REWRITE, 0, &fullRewrite}};

/* statuses, per try, backoff base and max, status count, conditions, attempts, budget,
 * non-idempotent */
static const mesh_retry idempotentRetry = {NULL, 400, 1, 4, 0, MESH_RETRY_5XX, 2, 10000, 0, 0};
static const mesh_action idempotentRetryActions[] = {{MESH_ACTION_RETRY, 0, &idempotentRetry}};
static const mesh_retry anyMethodRetry = {NULL, 400, 1, 4, 0, MESH_RETRY_5XX, 2, 10000, 1, 0};
static const mesh_action anyMethodRetryActions[] = {{MESH_ACTION_RETRY, 0, &anyMethodRetry}};
static const uint32_t tooManyRequests[] = {429};
static const mesh_retry limitedRetry = {tooManyRequests, 0, 1, 4, 1, 0, 1, 10000, 0, 0};
static const mesh_action limitedRetryActions[] = {{MESH_ACTION_RETRY, 0, &limitedRetry}};

static const mesh_rule rules[] = {
    {"fixture.mesh:3:5", NULL, 0, kReviews, 0, 0},
    {"fixture.mesh:4:5", NULL, 0, kReviews, 1, 0},
    {"fixture.mesh:5:5", NULL, 0, kReviews, 2, 0},
    {"fixture.mesh:8:5", NULL, 0, kDetails, 0, 0},
    {"fixture.mesh:9:5", NULL, 0, kDetails, 1, 0},
    {"fixture.mesh:12:5", ratingsActions, 1, kRatings, 0, 0},
    {"fixture.mesh:16:5", movedActions, 2, kWeb, kWebMoved, 0},
    {"fixture.mesh:17:5", secureActions, 1, kWeb, kWebSecure, 0},
    {"fixture.mesh:18:5", goneActions, 2, kWeb, kWebGone, 0},
    {"fixture.mesh:19:5", NULL, 0, kWeb, kWebNoBackend, 0},
    {"fixture.mesh:20:5", apiActions, 3, kWeb, kWebApi, 0},
    {"fixture.mesh:21:5", fullActions, 1, kWeb, kWebFull, 0},
    {"fixture.mesh:22:5", NULL, 0, kWeb, kWebOtherwise, 0},
    {"fixture.mesh:26:5", idempotentRetryActions, 1, kPayments, 0, 0},
    {"fixture.mesh:27:5", anyMethodRetryActions, 1, kPayments, 1, 0},
    {"fixture.mesh:28:5", limitedRetryActions, 1, kPayments, 2, 0},
    {"fixture.mesh:29:5", idempotentRetryActions, 1, kPayments, 3, 0},
    {"fixture.mesh:30:5", NULL, 0, kPayments, 4, 0},
};

static const char* const reviewsV1Endpoints[] = {"127.0.0.1:19081"};
static const char* const reviewsV2Endpoints[] = {"127.0.0.1:19082"};
static const char* const detailsV1Endpoints[] = {"127.0.0.1:19083"};
static const char* const ratingsV1Endpoints[] = {"127.0.0.1:19084"};
static const char* const webV1Endpoints[] = {"127.0.0.1:19085"};
static const char* const productpageV1Endpoints[] = {"127.0.0.1:9080"};
static const char* const paymentsV1Endpoints[] = {"127.0.0.1:19086"};
static const char* const paymentsV2Endpoints[] = {"127.0.0.1:19087"};

static const mesh_cluster clusters[] = {
    {"reviews.v1", "reviews", "v1", reviewsV1Endpoints, 1, kReviews},
    {"reviews.v2", "reviews", "v2", reviewsV2Endpoints, 1, kReviews},
    {"reviews.v3", "reviews", "v3", NULL, 0, kReviews},
    {"details.v1", "details", "v1", detailsV1Endpoints, 1, kDetails},
    {"ratings.v1", "ratings", "v1", ratingsV1Endpoints, 1, kRatings},
    {"web.v1", "web", "v1", webV1Endpoints, 1, kWeb},
    {"productpage.v1", "productpage", "v1", productpageV1Endpoints, 1, kProductpage},
    {"payments.v1", "payments", "v1", paymentsV1Endpoints, 1, kPayments},
    {"payments.v2", "payments", "v2", paymentsV2Endpoints, 1, kPayments},
};

static int equals(mesh_str s, const char* literal) {
  const size_t n = strlen(literal);
  return s.len == n && memcmp(s.data, literal, n) == 0;
}

static int hasPrefix(mesh_str s, const char* literal) {
  const size_t n = strlen(literal);
  return s.len >= n && memcmp(s.data, literal, n) == 0;
}

/* A segment prefix: the path is `literal` or goes on below it ("/api" covers "/api/x", not
 * "/apix"). */
static int underPrefix(mesh_str s, const char* literal) {
  const size_t n = strlen(literal);
  return hasPrefix(s, literal) && (s.len == n || s.data[n] == '/');
}

static int headerEquals(const mesh_request* request, const char* name, const char* value) {
  for (uint64_t i = 0; i < request->header_count; ++i) {
    if (equals(request->headers[i].name, name) && equals(request->headers[i].value, value)) {
      return 1;
    }
  }
  return 0;
}

static uint32_t choose(mesh_route_decision* decision, uint32_t service, uint32_t cluster,
                       uint32_t rule) {
  decision->rule = services[service].first_rule + rule;
  decision->cluster = cluster;
  return MESH_ROUTE_MATCHED;
}

static uint32_t route(const mesh_request* request, mesh_route_decision* decision) {
  if (equals(request->host, "reviews")) {
    if (headerEquals(request, "end-user", "jason"))
      return choose(decision, kReviews, kReviewsV2, 0);
    if (hasPrefix(request->path, "/v3")) return choose(decision, kReviews, kReviewsV3, 1);
    return choose(decision, kReviews, kReviewsV1, 2);
  }
  if (equals(request->host, "details")) {
    if (hasPrefix(request->path, "/forbidden")) return MESH_ROUTE_NO_RULE;
    return choose(decision, kDetails, kDetailsV1, 1);
  }
  if (equals(request->host, "ratings")) return choose(decision, kRatings, kRatingsV1, 0);
  if (equals(request->host, "web")) {
    const mesh_str path = request->path;
    if (underPrefix(path, "/moved")) return choose(decision, kWeb, kWebV1, kWebMoved);
    if (underPrefix(path, "/secure")) return choose(decision, kWeb, kWebV1, kWebSecure);
    if (underPrefix(path, "/gone")) return choose(decision, kWeb, kWebV1, kWebGone);
    if (underPrefix(path, "/nobackend"))
      return choose(decision, kWeb, MESH_NO_CLUSTER, kWebNoBackend);
    if (underPrefix(path, "/api")) return choose(decision, kWeb, kWebV1, kWebApi);
    if (underPrefix(path, "/full")) return choose(decision, kWeb, kWebV1, kWebFull);
    return choose(decision, kWeb, kWebV1, kWebOtherwise);
  }
  if (equals(request->host, "payments")) {
    const mesh_str path = request->path;
    if (underPrefix(path, "/retry")) return choose(decision, kPayments, kPaymentsV1, 0);
    if (underPrefix(path, "/any")) return choose(decision, kPayments, kPaymentsV1, 1);
    if (underPrefix(path, "/limited")) return choose(decision, kPayments, kPaymentsV1, 2);
    if (underPrefix(path, "/v2")) return choose(decision, kPayments, kPaymentsV2, 3);
    return choose(decision, kPayments, kPaymentsV1, 4);
  }
  return MESH_ROUTE_NO_SERVICE;
}

const mesh_module mesh_policy_module = {
    FIXTURE_ABI_VERSION,
    0,
    "bookinfo",
    "productpage-v1",
    "sha256:0000000000000000000000000000000000000000000000000000000000000000",
    "fixture (hand-written)",
    "cluster.local",
    "spiffe://cluster.local/ns/default/sa/productpage",
    services,
    clusters,
    rules,
    NULL,
    sizeof services / sizeof services[0],
    sizeof clusters / sizeof clusters[0],
    sizeof rules / sizeof rules[0],
    0,
    0,
    MESH_ENCODED_SLASHES_KEEP,
    FIXTURE_LOCAL_SERVICE,
    FIXTURE_LOCAL_CLUSTER,
    route,
};
