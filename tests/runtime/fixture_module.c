/* A stand-in for compiler output. `meshc compile` will generate a module like this one from a
 * policy; this hand-written version lets the runtime and its end-to-end test be built and run on
 * their own, without the compiler. It plays the policy of a bookinfo-like workload:
 *
 *   workload productpage-v1 { service productpage; version v1; calls reviews, details, ratings; }
 *   reviews: header end-user == "jason" => v2; path prefix "/v3" => v3 (no endpoints);
 *            otherwise => v1
 *   details: path prefix "/forbidden" has no rule; otherwise => v1
 *   ratings: otherwise => v1; timeout 300ms
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

enum { kReviews, kDetails, kRatings, kProductpage };
enum { kReviewsV1, kReviewsV2, kReviewsV3, kDetailsV1, kRatingsV1, kProductpageV1 };

static const mesh_service services[] = {
    {"reviews", 9080, 0, 3, 0},
    {"details", 9080, 3, 2, 0},
    {"ratings", 9080, 5, 1, 0},
    {"productpage", 9080, 6, 0, 0},
};

static const mesh_timeout_action ratingsTimeout = {300};
static const mesh_action ratingsActions[] = {{MESH_ACTION_TIMEOUT, 0, &ratingsTimeout}};

static const mesh_rule rules[] = {
    {"fixture.mesh:3:5", NULL, 0, kReviews, 0, 0},
    {"fixture.mesh:4:5", NULL, 0, kReviews, 1, 0},
    {"fixture.mesh:5:5", NULL, 0, kReviews, 2, 0},
    {"fixture.mesh:8:5", NULL, 0, kDetails, 0, 0},
    {"fixture.mesh:9:5", NULL, 0, kDetails, 1, 0},
    {"fixture.mesh:12:5", ratingsActions, 1, kRatings, 0, 0},
};

static const char* const reviewsV1Endpoints[] = {"127.0.0.1:19081"};
static const char* const reviewsV2Endpoints[] = {"127.0.0.1:19082"};
static const char* const detailsV1Endpoints[] = {"127.0.0.1:19083"};
static const char* const ratingsV1Endpoints[] = {"127.0.0.1:19084"};
static const char* const productpageV1Endpoints[] = {"127.0.0.1:9080"};

static const mesh_cluster clusters[] = {
    {"reviews.v1", "reviews", "v1", reviewsV1Endpoints, 1, kReviews},
    {"reviews.v2", "reviews", "v2", reviewsV2Endpoints, 1, kReviews},
    {"reviews.v3", "reviews", "v3", NULL, 0, kReviews},
    {"details.v1", "details", "v1", detailsV1Endpoints, 1, kDetails},
    {"ratings.v1", "ratings", "v1", ratingsV1Endpoints, 1, kRatings},
    {"productpage.v1", "productpage", "v1", productpageV1Endpoints, 1, kProductpage},
};

static int equals(mesh_str s, const char* literal) {
  const size_t n = strlen(literal);
  return s.len == n && memcmp(s.data, literal, n) == 0;
}

static int hasPrefix(mesh_str s, const char* literal) {
  const size_t n = strlen(literal);
  return s.len >= n && memcmp(s.data, literal, n) == 0;
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
  return MESH_ROUTE_NO_SERVICE;
}

const mesh_module mesh_policy_module = {
    FIXTURE_ABI_VERSION,
    0,
    "bookinfo",
    "productpage-v1",
    "sha256:0000000000000000000000000000000000000000000000000000000000000000",
    "fixture (hand-written)",
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
