// The mesh CA and workload certificates, read back and verified with OpenSSL itself.

#include <gtest/gtest.h>
#include <openssl/pem.h>

#include "certs/Certificates.h"
#include "certs/OpenSslHandles.h"

namespace meshc::certs {
namespace {

using namespace std::chrono_literals;

constexpr const char* kSpiffeId = "spiffe://mesh.test/ns/shop/sa/cart";

X509Ptr parse(const std::string& pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  X509Ptr certificate(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  EXPECT_NE(certificate, nullptr);
  return certificate;
}

PkeyPtr parseKey(const std::string& pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  EXPECT_NE(key, nullptr);
  return key;
}

// The URIs of the certificate's subject alternative names.
std::vector<std::string> uris(X509* certificate) {
  std::vector<std::string> found;
  auto* names = static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(certificate, NID_subject_alt_name, nullptr, nullptr));
  for (int i = 0; names && i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* name = sk_GENERAL_NAME_value(names, i);
    EXPECT_EQ(name->type, GEN_URI);
    if (name->type != GEN_URI) continue;
    const ASN1_IA5STRING* uri = name->d.uniformResourceIdentifier;
    found.emplace_back(reinterpret_cast<const char*>(ASN1_STRING_get0_data(uri)),
                       static_cast<size_t>(ASN1_STRING_length(uri)));
  }
  GENERAL_NAMES_free(names);
  return found;
}

// X509_V_OK when `leaf` chains to `ca` for TLS client and server use.
int verify(const std::string& ca, const std::string& leaf) {
  StorePtr store(X509_STORE_new());
  X509Ptr root = parse(ca);
  X509_STORE_add_cert(store.get(), root.get());
  X509Ptr certificate = parse(leaf);
  StoreContextPtr context(X509_STORE_CTX_new());
  X509_STORE_CTX_init(context.get(), store.get(), certificate.get(), nullptr);
  X509_STORE_CTX_set_purpose(context.get(), X509_PURPOSE_SSL_SERVER);
  X509_verify_cert(context.get());
  const int serverResult = X509_STORE_CTX_get_error(context.get());
  X509_STORE_CTX_cleanup(context.get());
  X509_STORE_CTX_init(context.get(), store.get(), certificate.get(), nullptr);
  X509_STORE_CTX_set_purpose(context.get(), X509_PURPOSE_SSL_CLIENT);
  X509_verify_cert(context.get());
  const int clientResult = X509_STORE_CTX_get_error(context.get());
  return serverResult != X509_V_OK ? serverResult : clientResult;
}

std::chrono::seconds secondsFromNow(const std::chrono::system_clock::time_point time) {
  return std::chrono::duration_cast<std::chrono::seconds>(time - std::chrono::system_clock::now());
}

TEST(MeshCa, IsASelfSignedP256CaNamedByItsTrustDomain) {
  const IssuedCertificate ca = createMeshCa("mesh.test", 24h * 365);
  X509Ptr certificate = parse(ca.certificatePem);
  PkeyPtr key = parseKey(ca.keyPem);
  EXPECT_EQ(X509_check_private_key(certificate.get(), key.get()), 1);
  EXPECT_EQ(X509_check_ca(certificate.get()), 1);
  EXPECT_EQ(X509_check_issued(certificate.get(), certificate.get()), X509_V_OK);
  EXPECT_EQ(EVP_PKEY_get_base_id(key.get()), EVP_PKEY_EC);
  char curve[32] = {};
  EVP_PKEY_get_utf8_string_param(key.get(), "group", curve, sizeof curve, nullptr);
  EXPECT_STREQ(curve, "prime256v1");
  EXPECT_EQ(uris(certificate.get()), std::vector<std::string>{"spiffe://mesh.test"});
  EXPECT_NEAR(secondsFromNow(ca.notAfter).count(), std::chrono::seconds(24h * 365).count(), 5);
}

TEST(WorkloadCertificate, ChainsToItsCaWithOneSpiffeIdForClientAndServer) {
  const IssuedCertificate ca = createMeshCa("mesh.test", 24h);
  const IssuedCertificate leaf = issueWorkloadCertificate(ca, kSpiffeId, "cart-v1", 2h);
  EXPECT_EQ(verify(ca.certificatePem, leaf.certificatePem), X509_V_OK);
  X509Ptr certificate = parse(leaf.certificatePem);
  PkeyPtr key = parseKey(leaf.keyPem);
  EXPECT_EQ(X509_check_private_key(certificate.get(), key.get()), 1);
  EXPECT_EQ(X509_check_ca(certificate.get()), 0);
  EXPECT_EQ(uris(certificate.get()), std::vector<std::string>{kSpiffeId});
  EXPECT_NEAR(secondsFromNow(leaf.notAfter).count(), std::chrono::seconds(2h).count(), 5);
  // Valid since a minute ago, for peers whose clocks are a little behind.
  EXPECT_LT(X509_cmp_time(X509_get0_notBefore(certificate.get()), nullptr), 0);
}

TEST(WorkloadCertificate, AnotherCaDoesNotVerifyIt) {
  const IssuedCertificate ca = createMeshCa("mesh.test", 24h);
  const IssuedCertificate other = createMeshCa("mesh.test", 24h);
  const IssuedCertificate leaf = issueWorkloadCertificate(ca, kSpiffeId, "cart-v1", 1h);
  EXPECT_NE(verify(other.certificatePem, leaf.certificatePem), X509_V_OK);
}

TEST(WorkloadCertificate, SerialsDiffer) {
  const IssuedCertificate ca = createMeshCa("mesh.test", 24h);
  X509Ptr first = parse(issueWorkloadCertificate(ca, kSpiffeId, "a", 1h).certificatePem);
  X509Ptr second = parse(issueWorkloadCertificate(ca, kSpiffeId, "a", 1h).certificatePem);
  EXPECT_NE(
      ASN1_INTEGER_cmp(X509_get0_serialNumber(first.get()), X509_get0_serialNumber(second.get())),
      0);
}

TEST(WorkloadCertificate, NeverOutlivesItsCa) {
  const IssuedCertificate ca = createMeshCa("mesh.test", 2h);
  try {
    issueWorkloadCertificate(ca, kSpiffeId, "cart-v1", 3h);
    FAIL() << "a certificate outliving its CA was issued";
  } catch (const CertificateError& error) {
    EXPECT_NE(std::string(error.what()).find("would outlive it"), std::string::npos)
        << error.what();
  }
}

TEST(WorkloadCertificate, RefusesWhatIsNoSpiffeId) {
  const IssuedCertificate ca = createMeshCa("mesh.test", 2h);
  EXPECT_THROW(issueWorkloadCertificate(ca, "https://mesh.test/x", "x", 1h), CertificateError);
  EXPECT_THROW(issueWorkloadCertificate(ca, "spiffe://mesh.test/a,URI:spiffe://evil", "x", 1h),
               CertificateError);
}

TEST(WorkloadCertificate, AKeyThatIsNotTheCasIsRefused) {
  IssuedCertificate ca = createMeshCa("mesh.test", 2h);
  ca.keyPem = createMeshCa("mesh.test", 2h).keyPem;
  EXPECT_THROW(issueWorkloadCertificate(ca, kSpiffeId, "x", 1h), CertificateError);
}

}  // namespace
}  // namespace meshc::certs
