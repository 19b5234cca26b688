#include <gtest/gtest.h>

#include "TestModule.h"
#include "tls/MtlsPlan.h"

namespace mesh {
namespace {

const char* const kReviewsPrincipals[] = {"spiffe://cluster.local/ns/default/sa/reviews"};

TEST(MtlsPlan, CallersUseMutualTlsToSidecarsUnlessDisabled) {
  TestModule test;
  mesh_service& reviews = test.services[0];
  EXPECT_FALSE(originatesMutualTls(reviews)) << "no workload serves it: not a sidecar";
  reviews.principals = kReviewsPrincipals;
  reviews.principal_count = 1;
  EXPECT_TRUE(originatesMutualTls(reviews));
  reviews.mtls = MESH_MTLS_STRICT;
  EXPECT_TRUE(originatesMutualTls(reviews));
  reviews.mtls = MESH_MTLS_DISABLE;
  EXPECT_FALSE(originatesMutualTls(reviews));
}

TEST(MtlsPlan, InboundModeIsTheLocalServices) {
  TestModule test;
  EXPECT_EQ(inboundMode(test.module), MtlsMode::kPermissive);
  test.services[1].mtls = MESH_MTLS_STRICT;
  EXPECT_EQ(inboundMode(test.module), MtlsMode::kStrict);
  test.module.local_service = -1;
  EXPECT_EQ(inboundMode(test.module), MtlsMode::kDisable);
}

TEST(MtlsPlan, StrictServedOrCalledServicesRequireCredentials) {
  TestModule test;
  EXPECT_EQ(credentialsRequirement(test.module), std::nullopt);
  test.services[1].mtls = MESH_MTLS_STRICT;
  EXPECT_EQ(credentialsRequirement(test.module),
            "workload productpage-v1 serves productpage, which accepts only mutual TLS (mtls "
            "strict)");
  test.services[1].mtls = MESH_MTLS_PERMISSIVE;
  test.services[0].mtls = MESH_MTLS_STRICT;
  EXPECT_EQ(credentialsRequirement(test.module), std::nullopt)
      << "reviews is no sidecar: it is reached in plaintext whatever its mode";
  test.services[0].principals = kReviewsPrincipals;
  test.services[0].principal_count = 1;
  EXPECT_EQ(credentialsRequirement(test.module),
            "workload productpage-v1 calls reviews, which accepts only mutual TLS (mtls strict)");
}

}  // namespace
}  // namespace mesh
