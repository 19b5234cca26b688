#include <gtest/gtest.h>
#include <openssl/pem.h>

#include <cstdio>
#include <memory>

#include "tls/SpiffeId.h"
#include "tls/TestCertificates.h"

namespace mesh {
namespace {

X509* readCertificate(const std::string& path) {
  FILE* file = std::fopen(path.c_str(), "r");
  if (!file) return nullptr;
  X509* certificate = PEM_read_X509(file, nullptr, nullptr, nullptr);
  std::fclose(file);
  return certificate;
}

TEST(SpiffeId, IsTheOneUriSanOfAWorkloadCertificate) {
  const testing::TestCertificates certificates;
  X509* certificate = readCertificate(certificates.files("b").certificate);
  ASSERT_NE(certificate, nullptr);
  EXPECT_EQ(spiffeIdOf(certificate), testing::principalOf("b"));
  X509_free(certificate);
}

TEST(SpiffeId, OfTheCaIsTheTrustDomainWhichNamesNoWorkload) {
  const testing::TestCertificates certificates;
  X509* ca = readCertificate(certificates.files("a").bundle);
  ASSERT_NE(ca, nullptr);
  const std::optional<std::string> id = spiffeIdOf(ca);
  X509_free(ca);
  ASSERT_EQ(id, "spiffe://mesh.test");
  EXPECT_FALSE(inTrustDomain(*id, "mesh.test"));
}

TEST(SpiffeId, NoCertificateHasNone) { EXPECT_EQ(spiffeIdOf(nullptr), std::nullopt); }

TEST(SpiffeId, TrustDomainIsAWholeNameFollowedByAPath) {
  EXPECT_TRUE(inTrustDomain("spiffe://mesh.test/ns/default/sa/a", "mesh.test"));
  EXPECT_FALSE(inTrustDomain("spiffe://mesh.test.evil/ns/default/sa/a", "mesh.test"));
  EXPECT_FALSE(inTrustDomain("spiffe://evil.mesh.test/ns/default/sa/a", "mesh.test"));
  EXPECT_FALSE(inTrustDomain("spiffe://mesh.test/", "mesh.test"));
  EXPECT_FALSE(inTrustDomain("spiffe://mesh.test", "mesh.test"));
  EXPECT_FALSE(inTrustDomain("https://mesh.test/ns/default/sa/a", "mesh.test"));
}

}  // namespace
}  // namespace mesh
