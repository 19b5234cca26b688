// Lowering of mutual TLS: each service's mode and the principals that serve it, and the identity
// a workload's module carries.

#include <gtest/gtest.h>

#include "compiler/PolicyFixture.h"
#include "lower/Lowering.h"

namespace meshc {
namespace {

constexpr const char* kPolicy = R"(
mesh shop { trust_domain "shop.example"; namespace shop; mtls strict; }
service web {
  port 80;
  subset v1 { }
  subset v2 { }
  subset v3 { }
  route { otherwise => split { v1 50%, v2 25%, v3 25% }; }
}
service cart { namespace payments; port 81; subset v1 { } mtls disable; }
service search { port 82; subset v1 { } mtls permissive; }
service legacy { port 83; subset v1 { } }
workload web-v2 { service web; version v2; calls cart, search, legacy; service_account web-canary; }
workload web-v1 { service web; version v1; calls cart; }
workload web-v3 { service web; version v3; calls cart; }
workload cart-v1 { service cart; version v1; calls web; }
workload search-v1 { service search; version v1; }
)";

std::vector<ir::Module> lowered(const std::string& policy) {
  const auto c = testing::check(policy);
  EXPECT_TRUE(c.ok) << c.rendered();
  return lower::lowerPolicy(c.policy, "sha256:x");
}

TEST(MtlsLowering, AServiceTakesItsOwnModeElseTheMeshs) {
  const ir::Module canary = lowered(kPolicy).at(0);
  ASSERT_EQ(canary.services.size(), 4u);
  EXPECT_EQ(canary.services[0].name, "cart");
  EXPECT_EQ(canary.services[0].mtls, ir::Mtls::Disable);
  EXPECT_EQ(canary.services[1].name, "search");
  EXPECT_EQ(canary.services[1].mtls, ir::Mtls::Permissive);
  EXPECT_EQ(canary.services[2].name, "legacy");
  EXPECT_EQ(canary.services[2].mtls, ir::Mtls::Strict);
  EXPECT_EQ(canary.services[3].name, "web");
  EXPECT_EQ(canary.services[3].mtls, ir::Mtls::Strict);
}

TEST(MtlsLowering, WithoutAnyModeServicesArePermissive) {
  const std::string policy =
      "mesh m { }\n"
      "service a { port 80; subset v1 { } }\n"
      "workload a-v1 { service a; version v1; }\n";
  const ir::Module module = lowered(policy).at(0);
  EXPECT_EQ(module.services.at(0).mtls, ir::Mtls::Permissive);
  EXPECT_EQ(module.trustDomain, "cluster.local");
  EXPECT_EQ(module.principal, "spiffe://cluster.local/ns/default/sa/a");
}

// Workloads sharing a service account share a principal: web-v1 and web-v3 are both "web".
TEST(MtlsLowering, AServicesPrincipalsAreItsWorkloadsSortedAndDistinct) {
  const ir::Module canary = lowered(kPolicy).at(0);
  EXPECT_EQ(canary.services[3].principals,
            (std::vector<std::string>{"spiffe://shop.example/ns/shop/sa/web",
                                      "spiffe://shop.example/ns/shop/sa/web-canary"}));
  EXPECT_EQ(canary.services[0].principals,
            std::vector<std::string>{"spiffe://shop.example/ns/payments/sa/cart"});
  EXPECT_EQ(canary.services[1].principals,
            std::vector<std::string>{"spiffe://shop.example/ns/shop/sa/search"});
  // No workload runs legacy: its endpoints are not sidecars.
  EXPECT_TRUE(canary.services[2].principals.empty());
}

TEST(MtlsLowering, AModuleCarriesTheTrustDomainAndItsWorkloadsPrincipal) {
  const std::vector<ir::Module> modules = lowered(kPolicy);
  ASSERT_EQ(modules.size(), 5u);
  EXPECT_EQ(modules[0].trustDomain, "shop.example");
  EXPECT_EQ(modules[0].principal, "spiffe://shop.example/ns/shop/sa/web-canary");
  EXPECT_EQ(modules[1].principal, "spiffe://shop.example/ns/shop/sa/web");
  EXPECT_EQ(modules[3].trustDomain, "shop.example");
  EXPECT_EQ(modules[3].principal, "spiffe://shop.example/ns/payments/sa/cart");
}

}  // namespace
}  // namespace meshc
