#include <gtest/gtest.h>

#include <stdexcept>

#include "tls/TestCertificates.h"
#include "tls/TlsCredentials.h"

namespace mesh {
namespace {

using testing::principalOf;
using testing::TestCertificates;

std::string loadError(const CertificateFiles& files, const std::string& principal) {
  try {
    TlsCredentials credentials(files, principal, "mesh.test");
  } catch (const std::runtime_error& e) {
    return e.what();
  }
  return "loaded";
}

TEST(TlsCredentials, LoadsWhatMeshcCertsWrote) {
  const TestCertificates certificates;
  const TlsCredentials credentials = certificates.credentials("a");
  EXPECT_EQ(credentials.principal(), principalOf("a"));
  EXPECT_EQ(credentials.trustDomain(), "mesh.test");
  // Issued for an hour, starting a minute in the past.
  const auto left = credentials.notAfter() - TlsCredentials::Clock::now();
  EXPECT_GT(left, std::chrono::minutes(58));
  EXPECT_LE(left, std::chrono::hours(1));
}

TEST(TlsCredentials, CurrentIsResolvedToOneVersionDirectory) {
  const TestCertificates certificates;
  const CertificateFiles files = certificates.files("a");
  EXPECT_EQ(std::filesystem::path(files.certificate).parent_path(),
            std::filesystem::path(files.key).parent_path());
  EXPECT_EQ(files.certificate.find("current"), std::string::npos) << files.certificate;
  EXPECT_EQ(files.bundle, certificates.root() + "/mesh.test/bundle.pem");
}

TEST(TlsCredentials, RefusesAnotherWorkloadsCertificate) {
  const TestCertificates certificates;
  EXPECT_EQ(loadError(certificates.files("a"), principalOf("b")),
            certificates.files("a").certificate + " is the certificate of " + principalOf("a") +
                ", not of this workload (" + principalOf("b") + ")");
}

TEST(TlsCredentials, RefusesAKeyThatIsNotTheCertificates) {
  const TestCertificates certificates;
  CertificateFiles files = certificates.files("a");
  files.key = certificates.files("b").key;
  EXPECT_EQ(loadError(files, principalOf("a")),
            files.key + " is not the key of the certificate " + files.certificate);
}

TEST(TlsCredentials, NamesAMissingFile) {
  const TestCertificates certificates;
  CertificateFiles files = certificates.files("a");
  files.bundle = certificates.root() + "/nowhere.pem";
  EXPECT_EQ(loadError(files, principalOf("a")), "cannot read the trust bundle " + files.bundle);
  try {
    certificateFilesIn(certificates.root(), "mesh.test", "nobody");
    FAIL() << "a workload without a certificate was found";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("no certificate for workload nobody"), std::string::npos)
        << e.what();
  }
}

TEST(TlsCredentials, RefusesACertificateTheBundlesCaDidNotIssue) {
  const TestCertificates certificates;
  CertificateFiles files = certificateFilesIn(certificates.root() + "/rogue", "mesh.test", "a");
  files.bundle = certificates.files("a").bundle;
  EXPECT_EQ(loadError(files, principalOf("a")),
            files.certificate + " does not verify against the trust bundle " + files.bundle +
                ": unable to get local issuer certificate");
}

TEST(TlsCredentials, RefusesAFileWithoutACertificate) {
  const TestCertificates certificates;
  CertificateFiles files = certificates.files("a");
  files.certificate = files.key;
  EXPECT_EQ(loadError(files, principalOf("a")), files.key + " holds no PEM certificate");
}

}  // namespace
}  // namespace mesh
