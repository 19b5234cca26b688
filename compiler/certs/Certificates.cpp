#include "certs/Certificates.h"

#include <openssl/pem.h>
#include <openssl/rand.h>

#include <ctime>

#include "certs/OpenSslHandles.h"

namespace meshc::certs {
namespace {

// Certificates start a minute in the past: a peer whose clock is a little behind must not see
// a certificate that is not valid yet.
constexpr long kBackdateSeconds = 60;
// RFC 5280's upper bound for a common name.
constexpr size_t kMaxCommonName = 64;

PkeyPtr generateKey() {
  PkeyPtr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (!key) throw openSslError("generating an ECDSA P-256 key");
  return key;
}

std::string pemOf(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(size));
}

std::string keyPem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || !PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr)) {
    throw openSslError("writing a private key");
  }
  return pemOf(bio.get());
}

std::string certificatePem(X509* certificate) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || !PEM_write_bio_X509(bio.get(), certificate)) {
    throw openSslError("writing a certificate");
  }
  return pemOf(bio.get());
}

PkeyPtr readKey(const std::string& pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  PkeyPtr key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!key) throw openSslError("reading the CA's private key");
  return key;
}

X509Ptr readCertificate(const std::string& pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  X509Ptr certificate(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!certificate) throw openSslError("reading the CA's certificate");
  return certificate;
}

std::chrono::system_clock::time_point notAfterOf(const X509* certificate) {
  std::tm tm{};
  if (!ASN1_TIME_to_tm(X509_get0_notAfter(certificate), &tm)) {
    throw openSslError("reading a certificate's expiry");
  }
  return std::chrono::system_clock::from_time_t(timegm(&tm));
}

void addExtension(X509* certificate, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX context;
  X509V3_set_ctx_nodb(&context);
  X509V3_set_ctx(&context, issuer, certificate, nullptr, nullptr, 0);
  ExtensionPtr extension(X509V3_EXT_conf_nid(nullptr, &context, nid, value.c_str()));
  if (!extension || !X509_add_ext(certificate, extension.get(), -1)) {
    throw openSslError(std::string("adding ") + OBJ_nid2sn(nid) + " " + value);
  }
}

// Version 3, a random positive 127-bit serial, the validity, the key and the subject.
X509Ptr newCertificate(EVP_PKEY* key, const std::string& commonName,
                       std::chrono::seconds lifetime) {
  X509Ptr certificate(X509_new());
  if (!certificate || !X509_set_version(certificate.get(), X509_VERSION_3)) {
    throw openSslError("creating a certificate");
  }
  unsigned char serial[16];
  if (RAND_bytes(serial, sizeof serial) != 1) throw openSslError("drawing a serial number");
  serial[0] = static_cast<unsigned char>((serial[0] & 0x7f) | 0x40);
  BignumPtr number(BN_bin2bn(serial, sizeof serial, nullptr));
  if (!number || !BN_to_ASN1_INTEGER(number.get(), X509_get_serialNumber(certificate.get())) ||
      !X509_gmtime_adj(X509_getm_notBefore(certificate.get()), -kBackdateSeconds) ||
      !X509_gmtime_adj(X509_getm_notAfter(certificate.get()),
                       static_cast<long>(lifetime.count())) ||
      !X509_set_pubkey(certificate.get(), key)) {
    throw openSslError("filling in a certificate");
  }
  X509_NAME* subject = X509_get_subject_name(certificate.get());
  const auto text = [](const std::string& s) {
    return reinterpret_cast<const unsigned char*>(s.c_str());
  };
  if (!X509_NAME_add_entry_by_txt(subject, "O", MBSTRING_UTF8, text("meshc"), -1, -1, 0) ||
      (commonName.size() <= kMaxCommonName &&
       !X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8, text(commonName), -1, -1, 0))) {
    throw openSslError("naming a certificate's subject");
  }
  return certificate;
}

void sign(X509* certificate, EVP_PKEY* key) {
  if (X509_sign(certificate, key, EVP_sha256()) <= 0) throw openSslError("signing a certificate");
}

// SPIFFE IDs go into an OpenSSL configuration value, where a comma would start another name.
void checkSpiffeId(const std::string& id) {
  if (id.rfind("spiffe://", 0) != 0) throw CertificateError("not a SPIFFE ID: " + id);
  for (const char c : id) {
    const bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                         (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_' || c == ':' ||
                         c == '/';
    if (!allowed) throw CertificateError("a character a SPIFFE ID cannot hold in " + id);
  }
}

}  // namespace

IssuedCertificate createMeshCa(const std::string& trustDomain, std::chrono::seconds lifetime) {
  const std::string id = "spiffe://" + trustDomain;
  checkSpiffeId(id);
  PkeyPtr key = generateKey();
  X509Ptr certificate = newCertificate(key.get(), "meshc mesh CA", lifetime);
  if (!X509_set_issuer_name(certificate.get(), X509_get_subject_name(certificate.get()))) {
    throw openSslError("naming the CA's issuer");
  }
  X509* self = certificate.get();
  addExtension(self, self, NID_basic_constraints, "critical,CA:TRUE,pathlen:0");
  addExtension(self, self, NID_key_usage, "critical,keyCertSign,cRLSign");
  addExtension(self, self, NID_subject_key_identifier, "hash");
  addExtension(self, self, NID_authority_key_identifier, "keyid:always");
  addExtension(self, self, NID_subject_alt_name, "URI:" + id);
  sign(self, key.get());
  return {certificatePem(self), keyPem(key.get()), notAfterOf(self)};
}

IssuedCertificate issueWorkloadCertificate(const IssuedCertificate& ca, const std::string& spiffeId,
                                           const std::string& commonName,
                                           std::chrono::seconds lifetime) {
  checkSpiffeId(spiffeId);
  const PkeyPtr caKey = readKey(ca.keyPem);
  const X509Ptr caCertificate = readCertificate(ca.certificatePem);
  if (X509_check_private_key(caCertificate.get(), caKey.get()) != 1) {
    throw openSslError("the CA's key does not belong to its certificate");
  }
  const auto caExpiry = notAfterOf(caCertificate.get());
  if (std::chrono::system_clock::now() + lifetime > caExpiry) {
    throw CertificateError("the CA expires at " + formatUtc(caExpiry) +
                           ": a certificate for that lifetime would outlive it");
  }
  PkeyPtr key = generateKey();
  X509Ptr certificate = newCertificate(key.get(), commonName, lifetime);
  if (!X509_set_issuer_name(certificate.get(), X509_get_subject_name(caCertificate.get()))) {
    throw openSslError("naming a certificate's issuer");
  }
  X509* leaf = certificate.get();
  addExtension(leaf, caCertificate.get(), NID_basic_constraints, "critical,CA:FALSE");
  addExtension(leaf, caCertificate.get(), NID_key_usage, "critical,digitalSignature");
  addExtension(leaf, caCertificate.get(), NID_ext_key_usage, "serverAuth,clientAuth");
  addExtension(leaf, caCertificate.get(), NID_subject_key_identifier, "hash");
  addExtension(leaf, caCertificate.get(), NID_authority_key_identifier, "keyid:always");
  addExtension(leaf, caCertificate.get(), NID_subject_alt_name, "URI:" + spiffeId);
  sign(leaf, caKey.get());
  return {certificatePem(leaf), keyPem(key.get()), notAfterOf(leaf)};
}

std::string formatUtc(std::chrono::system_clock::time_point time) {
  const std::time_t seconds = std::chrono::system_clock::to_time_t(time);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

}  // namespace meshc::certs
