// Lowering of how requests reach a service (hosts, ports) and of `source` conditions, which each
// workload's module decides for that workload.

#include <gtest/gtest.h>

#include "compiler/PolicyFixture.h"
#include "ir/Printer.h"
#include "lower/Lowering.h"

namespace meshc {
namespace {

constexpr const char* kPolicy = R"(
mesh shop { trust_domain "shop.example"; namespace shop; cluster_domain "corp.internal"; }
service web {
  port 80;
  port 8443;
  hosts ["Example.COM", "*.example.com"];
  subset v1 { }
  subset v2 { }
  route {
    when source workload canary-client => v2;
    when source label "tier" == "beta" and path prefix "/beta" => v2;
    when (source principal == "spiffe://shop.example/ns/ops/sa/admin" and port 8443) or method PUT => v2;
    when not source label "tier" present => v1;
    otherwise => v1;
  }
}
service ops { namespace ops; port 9000; subset v1 { } }
workload canary-client { service ops; version v1; calls web; label "tier" = "beta"; }
workload admin { service ops; version v1; calls web; service_account admin; }
)";

std::vector<ir::Module> lowered() {
  const auto c = testing::check(kPolicy);
  EXPECT_TRUE(c.ok) << c.rendered();
  return lower::lowerPolicy(c.policy, "sha256:x");
}

TEST(AddressLowering, AServiceAnswersToItsDnsNamesAndItsHostsOnItsPorts) {
  const std::vector<ir::Module> modules = lowered();
  ASSERT_EQ(modules.size(), 2u);
  const ir::Service& web = modules[0].services.at(0);
  EXPECT_EQ(web.hosts, (std::vector<std::string>{"web", "web.shop", "web.shop.svc",
                                                 "web.shop.svc.corp.internal", "example.com",
                                                 "*.example.com"}));
  EXPECT_EQ(web.ports, (std::vector<uint32_t>{80, 8443}));
  const ir::Service& ops = modules[0].services.at(1);
  EXPECT_EQ(ops.hosts, (std::vector<std::string>{"ops", "ops.ops", "ops.ops.svc",
                                                 "ops.ops.svc.corp.internal"}));
}

TEST(AddressLowering, EachWorkloadsModuleDecidesItsSourceConditions) {
  const std::vector<ir::Module> modules = lowered();
  ASSERT_EQ(modules.size(), 2u);
  // canary-client: rule 0 holds outright; rule 1 keeps only its path; in rule 2 only the PUT group
  // is left; rule 3 never matches (the workload has the label).
  const auto text = [](const ir::Module& module, size_t rule) {
    const ir::Rule& r = module.services.at(0).rules.at(rule);
    std::string out;
    for (const ir::Conjunction& conjunction : r.anyOf) {
      out += "[" + ir::describe(module, conjunction) + "]";
    }
    return out;
  };
  const ir::Module& canary = modules[0];
  EXPECT_EQ(text(canary, 0), "[always]");
  EXPECT_EQ(text(canary, 1), "[path prefix \"/beta\"]");
  EXPECT_EQ(text(canary, 2), "[method == \"PUT\"]");
  EXPECT_EQ(text(canary, 3), "");
  EXPECT_EQ(text(canary, 4), "[always]");
  // admin: its principal is spiffe://shop.example/ns/ops/sa/admin (its service's namespace).
  const ir::Module& admin = modules[1];
  EXPECT_EQ(text(admin, 0), "");
  EXPECT_EQ(text(admin, 1), "");
  EXPECT_EQ(text(admin, 2), "[port 8443][method == \"PUT\"]");
  EXPECT_EQ(text(admin, 3), "[always]");
  EXPECT_NE(ir::print(canary).find("never (its source conditions exclude this workload)"),
            std::string::npos);
}

}  // namespace
}  // namespace meshc
