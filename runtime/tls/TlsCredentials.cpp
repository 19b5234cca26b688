#include "tls/TlsCredentials.h"

#include <fmt/format.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "tls/SpiffeId.h"

namespace mesh {
namespace ssl = boost::asio::ssl;
namespace fs = std::filesystem;

namespace {

constexpr unsigned char kAlpnHttp11[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};

std::string readFile(const std::string& path, std::string_view what) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error(fmt::format("cannot read the {} {}", what, path));
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

struct X509Free {
  void operator()(X509* certificate) const { X509_free(certificate); }
};

std::unique_ptr<X509, X509Free> firstCertificate(const std::string& pem, const std::string& path) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* certificate = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (!certificate) throw std::runtime_error(fmt::format("{} holds no PEM certificate", path));
  return std::unique_ptr<X509, X509Free>(certificate);
}

TlsCredentials::Clock::time_point timeOf(const ASN1_TIME* time) {
  std::tm parts{};
  ASN1_TIME_to_tm(time, &parts);
  return TlsCredentials::Clock::from_time_t(timegm(&parts));
}

// The server picks HTTP/1.1 when the client offers it (curl offers h2 first); a client that
// offers no ALPN at all is served too.
int selectHttp11(SSL*, const unsigned char** out, unsigned char* outLength,
                 const unsigned char* offered, unsigned int offeredLength, void*) {
  unsigned char* selected = nullptr;
  if (SSL_select_next_proto(&selected, outLength, kAlpnHttp11, sizeof kAlpnHttp11, offered,
                            offeredLength) != OPENSSL_NPN_NEGOTIATED) {
    return SSL_TLSEXT_ERR_NOACK;
  }
  *out = selected;
  return SSL_TLSEXT_ERR_OK;
}

// What both sides share: TLS 1.3 only, the workload's certificate and key, the bundle, and a peer
// certificate required. An end of stream without close_notify reads as a plain end of stream:
// HTTP's own framing, not TLS, tells a whole message from a cut one, as on plaintext.
std::unique_ptr<ssl::context> makeContext(ssl::context::method method,
                                          const CertificateFiles& files,
                                          const std::string& certificate, const std::string& key,
                                          const std::string& bundle) {
  auto context = std::make_unique<ssl::context>(method);
  SSL_CTX* native = context->native_handle();
  SSL_CTX_set_min_proto_version(native, TLS1_3_VERSION);
  SSL_CTX_set_options(native, SSL_OP_IGNORE_UNEXPECTED_EOF);
  boost::system::error_code ec;
  context->use_certificate_chain(boost::asio::buffer(certificate), ec);
  if (ec) throw std::runtime_error(fmt::format("{}: {}", files.certificate, ec.message()));
  context->use_private_key(boost::asio::buffer(key), ssl::context::pem, ec);
  if (ec && ERR_GET_REASON(static_cast<unsigned long>(ec.value())) == X509_R_KEY_VALUES_MISMATCH) {
    throw std::runtime_error(
        fmt::format("{} is not the key of the certificate {}", files.key, files.certificate));
  }
  if (ec) throw std::runtime_error(fmt::format("{}: {}", files.key, ec.message()));
  context->add_certificate_authority(boost::asio::buffer(bundle), ec);
  if (ec) throw std::runtime_error(fmt::format("{}: {}", files.bundle, ec.message()));
  return context;
}

}  // namespace

CertificateFiles certificateFilesIn(const std::string& root, std::string_view trustDomain,
                                    std::string_view workload) {
  const fs::path domain = fs::path(root) / std::string(trustDomain);
  const fs::path current = domain / "workloads" / std::string(workload) / "current";
  std::error_code ec;
  const fs::path version = fs::canonical(current, ec);
  if (ec) {
    throw std::runtime_error(
        fmt::format("no certificate for workload {} in {}: {} ({}); `meshc certs issue` makes one",
                    workload, root, current.string(), ec.message()));
  }
  return {(version / "cert.pem").string(), (version / "key.pem").string(),
          (domain / "bundle.pem").string()};
}

TlsCredentials::TlsCredentials(const CertificateFiles& files, std::string principal,
                               std::string trustDomain)
    : files_(files), principal_(std::move(principal)), trustDomain_(std::move(trustDomain)) {
  const std::string certificate = readFile(files.certificate, "certificate");
  const std::string key = readFile(files.key, "private key");
  bundle_ = readFile(files.bundle, "trust bundle");
  const std::string& bundle = bundle_;

  const auto leaf = firstCertificate(certificate, files.certificate);
  const std::optional<std::string> id = spiffeIdOf(leaf.get());
  if (!id) {
    throw std::runtime_error(
        fmt::format("{} carries no SPIFFE ID (one URI SAN spiffe://...)", files.certificate));
  }
  if (*id != principal_) {
    throw std::runtime_error(fmt::format("{} is the certificate of {}, not of this workload ({})",
                                         files.certificate, *id, principal_));
  }
  notBefore_ = timeOf(X509_get0_notBefore(leaf.get()));
  notAfter_ = timeOf(X509_get0_notAfter(leaf.get()));
  if (notAfter_ <= Clock::now()) {
    throw std::runtime_error(
        fmt::format("{} has expired; `meshc certs rotate` issues a new one", files.certificate));
  }
  firstCertificate(bundle, files.bundle);

  server_ = makeContext(ssl::context::tls_server, files, certificate, key, bundle);
  SSL_CTX* server = server_->native_handle();
  server_->set_verify_mode(ssl::verify_peer | ssl::verify_fail_if_no_peer_cert);
  // No resumption: every connection proves its certificate, and no ticket arrives after the
  // handshake for a pooled connection's idle read to mistake for data.
  SSL_CTX_set_num_tickets(server, 0);
  SSL_CTX_set_session_cache_mode(server, SSL_SESS_CACHE_OFF);
  SSL_CTX_set_alpn_select_cb(server, selectHttp11, nullptr);

  // Peers check the chain against their bundle; a certificate that this bundle's CA did not
  // issue would be refused by every one of them, so it is refused here, where the cause is clear.
  X509_STORE_CTX* verification = X509_STORE_CTX_new();
  X509_STORE_CTX_init(verification, SSL_CTX_get_cert_store(server), leaf.get(), nullptr);
  const bool issued = X509_verify_cert(verification) == 1;
  const int verifyError = X509_STORE_CTX_get_error(verification);
  X509_STORE_CTX_free(verification);
  if (!issued) {
    throw std::runtime_error(fmt::format("{} does not verify against the trust bundle {}: {}",
                                         files.certificate, files.bundle,
                                         X509_verify_cert_error_string(verifyError)));
  }

  client_ = makeContext(ssl::context::tls_client, files, certificate, key, bundle);
  client_->set_verify_mode(ssl::verify_peer);
  SSL_CTX_set_alpn_protos(client_->native_handle(), kAlpnHttp11, sizeof kAlpnHttp11);
}

}  // namespace mesh
