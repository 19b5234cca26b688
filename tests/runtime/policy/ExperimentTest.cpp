// Assignment of requests to an experiment's variants (policy/Experiment), as abi.h states it.

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "policy/Experiment.h"

namespace mesh {
namespace {

mesh_str str(std::string_view s) { return {s.data(), s.size()}; }

struct Request {
  std::vector<mesh_header> headers;
  mesh_request request{};

  Request(std::initializer_list<std::pair<std::string_view, std::string_view>> fields,
          uint64_t seed = 0) {
    for (const auto& [name, value] : fields) headers.push_back({str(name), str(value)});
    request.headers = headers.data();
    request.header_count = headers.size();
    request.seed = seed;
  }
};

const mesh_variant kVariants[] = {{"control", 3, 5000}, {"one-page", 4, 5000}};
const mesh_variant kUneven[] = {{"classic", 3, 9000}, {"learned", 4, 1000}};

Experiment decoded(const mesh_experiment& config) {
  Experiment experiment;
  EXPECT_EQ(decodeExperiment(config, experiment), "");
  return experiment;
}

TEST(Experiment, DecodesAndRefusesMalformedConfigs) {
  const Experiment e =
      decoded({"checkout", "session", "exp", kVariants, 3600, 2, MESH_STICKY_COOKIE});
  EXPECT_EQ(e.name, "checkout");
  EXPECT_EQ(e.sticky, Experiment::Sticky::kCookie);
  ASSERT_EQ(e.variants.size(), 2u);
  EXPECT_EQ(e.variants[1].cluster, 4u);

  Experiment out;
  const mesh_variant lopsided[] = {{"a", 0, 5000}, {"b", 1, 4000}};
  const mesh_variant unnamed[] = {{"", 0, 10000}};
  EXPECT_EQ(decodeExperiment({"x", "", "", lopsided, 0, 2, MESH_STICKY_NONE}, out),
            "variant weights total 9000, not 10000");
  EXPECT_EQ(decodeExperiment({"x", "", "", unnamed, 0, 1, MESH_STICKY_NONE}, out),
            "variant 0 has no name");
  EXPECT_EQ(decodeExperiment({"x", "", "", kVariants, 0, 0, MESH_STICKY_NONE}, out), "no variants");
  EXPECT_EQ(decodeExperiment({"x", "", "", kVariants, 0, 2, 9}, out), "unknown sticky kind 9");
  EXPECT_EQ(decodeExperiment({"x", "", "", kVariants, 0, 2, MESH_STICKY_HEADER}, out),
            "a sticky key without a name");
  EXPECT_EQ(decodeExperiment({"x", "", "a b", kVariants, 0, 2, MESH_STICKY_NONE}, out),
            "cookie name \"a b\" is not an HTTP token");
  EXPECT_EQ(decodeExperiment({nullptr, "", "", kVariants, 0, 2, MESH_STICKY_NONE}, out),
            "a null name, sticky key or cookie");
}

// The hash is part of the contract (every sidecar, every restart): pinned values, computed by an
// independent implementation (a few lines of Python over abi.h's text).
TEST(Experiment, StickyTicketsAreFixedForever) {
  EXPECT_EQ(stickyTicket("checkout", "u-1"), stickyTicket("checkout", "u-1"));
  EXPECT_NE(stickyTicket("checkout", "u-1"), stickyTicket("search", "u-1"));
  // The NUL separator: ("ab", "c") and ("a", "bc") are different keys.
  EXPECT_NE(stickyTicket("ab", "c"), stickyTicket("a", "bc"));
  EXPECT_EQ(stickyTicket("checkout", "u-1"), 22u);
  EXPECT_EQ(stickyTicket("search-ranking", "u-7"), 9508u);
  EXPECT_EQ(stickyTicket("new-checkout", "s-1001"), 6789u);
}

TEST(Experiment, ASessionCookieKeepsItsVariant) {
  const Experiment e = decoded({"checkout", "session", "", kVariants, 0, 2, MESH_STICKY_COOKIE});
  std::map<uint32_t, int> seen;
  for (int s = 0; s < 1000; ++s) {
    const std::string cookie = "theme=dark; session=s-" + std::to_string(s);
    const Request a({{"cookie", cookie}}, 1);
    const Request b({{"cookie", cookie}}, 2);  // another draw: the key decides, not the seed
    const VariantAssignment first = assignVariant(e, a.request);
    EXPECT_EQ(first.basis, VariantAssignment::Basis::kStickyKey);
    EXPECT_EQ(first.key, "s-" + std::to_string(s));
    EXPECT_EQ(first.ticket, stickyTicket("checkout", first.key));
    EXPECT_EQ(assignVariant(e, b.request).variant, first.variant);
    EXPECT_FALSE(first.setsCookie);
    ++seen[first.variant];
  }
  // 50/50 over 1000 keys: far from either edge.
  EXPECT_GT(seen[0], 400);
  EXPECT_GT(seen[1], 400);
}

TEST(Experiment, WithoutAKeyTheDrawDecidesByWeight) {
  const Experiment e = decoded({"search", "x-user-id", "", kUneven, 0, 2, MESH_STICKY_HEADER});
  std::map<uint32_t, int> seen;
  for (uint64_t seed = 0; seed < 10000; ++seed) {
    const Request none({{"x-user-id", ""}}, seed);  // an empty key is no key
    const VariantAssignment a = assignVariant(e, none.request);
    EXPECT_EQ(a.basis, VariantAssignment::Basis::kDraw);
    EXPECT_EQ(a.ticket, mesh_draw(seed, MESH_DRAW_EXPERIMENT) % 10000);
    ++seen[a.variant];
  }
  EXPECT_NEAR(seen[0], 9000, 300);
  EXPECT_NEAR(seen[1], 1000, 300);
}

TEST(Experiment, TheAssignmentCookieWinsAndIsSetWhenMissing) {
  const Experiment e =
      decoded({"checkout", "session", "exp-checkout", kVariants, 3600, 2, MESH_STICKY_COOKIE});
  const Request kept({{"cookie", "session=s-1, exp-checkout=one-page"}});  // joined fields
  const VariantAssignment a = assignVariant(e, kept.request);
  EXPECT_EQ(a.basis, VariantAssignment::Basis::kCookie);
  EXPECT_EQ(a.variant, 1u);
  EXPECT_FALSE(a.setsCookie);

  const Request quoted({{"cookie", "exp-checkout=\"control\""}});
  EXPECT_EQ(assignVariant(e, quoted.request).variant, 0u);

  // An unknown variant in the cookie: assigned afresh, and the cookie set again.
  const Request stale({{"cookie", "exp-checkout=retired; session=s-1"}});
  const VariantAssignment fresh = assignVariant(e, stale.request);
  EXPECT_EQ(fresh.basis, VariantAssignment::Basis::kStickyKey);
  EXPECT_TRUE(fresh.setsCookie);
  EXPECT_EQ(
      assignmentCookie(e, fresh.variant),
      "exp-checkout=" + std::string(e.variants[fresh.variant].name) + "; Path=/; Max-Age=3600");

  const Experiment session = decoded({"checkout", "", "exp", kVariants, 0, 2, MESH_STICKY_NONE});
  EXPECT_EQ(assignmentCookie(session, 0), "exp=control; Path=/");
}

TEST(Experiment, CookieValuesAreFoundByExactName) {
  const Request r({{"cookie", " a=1;b=2 ;  session-x=3, session = 4 ; empty="}});
  EXPECT_EQ(cookieValue(r.request, "a"), "1");
  EXPECT_EQ(cookieValue(r.request, "b"), "2");
  EXPECT_EQ(cookieValue(r.request, "session"), "4");
  EXPECT_EQ(cookieValue(r.request, "empty"), "");
  EXPECT_EQ(cookieValue(r.request, "sess"), std::nullopt);
  const Request none({{"x-cookie", "a=1"}});
  EXPECT_EQ(cookieValue(none.request, "a"), std::nullopt);
}

TEST(Experiment, AConstantKeyPutsEveryRequestInOneVariant) {
  const Experiment e = decoded({"canary-callers", "spiffe://shop.local/ns/shop/sa/web", "",
                                kVariants, 0, 2, MESH_STICKY_CONSTANT});
  const uint32_t variant = assignVariant(e, Request({}, 1).request).variant;
  for (uint64_t seed = 2; seed < 50; ++seed) {
    EXPECT_EQ(assignVariant(e, Request({}, seed).request).variant, variant);
  }
}

}  // namespace
}  // namespace mesh
