#include "tls/TlsFailure.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509_vfy.h>

#include <boost/asio/ssl/error.hpp>
#include <string>

namespace mesh {
namespace {

class TlsFailureCategory final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "mesh.mtls"; }
  std::string message(int value) const override {
    switch (static_cast<TlsFailure>(value)) {
      case TlsFailure::kPlaintext:
        return "mutual TLS: the peer sent plaintext to a port that requires mutual TLS";
      case TlsFailure::kTimeout:
        return "mutual TLS: the handshake timed out";
      case TlsFailure::kNoCertificate:
        return "mutual TLS: the peer presented no certificate";
      case TlsFailure::kExpired:
        return "mutual TLS: the peer's certificate has expired or is not valid yet";
      case TlsFailure::kUntrusted:
        return "mutual TLS: the peer's certificate is not issued by the mesh's CA";
      case TlsFailure::kWrongIdentity:
        return "mutual TLS: the peer's SPIFFE ID is not one the service runs as";
      case TlsFailure::kHandshake:
        return "mutual TLS: the handshake failed";
    }
    return "mutual TLS: unknown failure";
  }
};

const TlsFailureCategory kCategory;

}  // namespace

std::string_view labelOf(TlsFailure failure) {
  switch (failure) {
    case TlsFailure::kPlaintext:
      return "plaintext";
    case TlsFailure::kTimeout:
      return "timeout";
    case TlsFailure::kNoCertificate:
      return "no_certificate";
    case TlsFailure::kExpired:
      return "expired";
    case TlsFailure::kUntrusted:
      return "untrusted";
    case TlsFailure::kWrongIdentity:
      return "wrong_identity";
    case TlsFailure::kHandshake:
      return "handshake";
  }
  return "handshake";
}

TlsFailure classifyHandshakeFailure(const boost::system::error_code& ec, SSL* ssl) {
  if (ssl) {
    switch (SSL_get_verify_result(ssl)) {
      case X509_V_OK:
        break;
      case X509_V_ERR_CERT_HAS_EXPIRED:
      case X509_V_ERR_CERT_NOT_YET_VALID:
        return TlsFailure::kExpired;
      default:
        return TlsFailure::kUntrusted;
    }
  }
  if (ec.category() == boost::asio::error::get_ssl_category()) {
    const auto code = static_cast<unsigned long>(ec.value());
    switch (ERR_GET_REASON(code)) {
      case SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE:
      case SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED:
        return TlsFailure::kNoCertificate;
      case SSL_R_SSLV3_ALERT_CERTIFICATE_EXPIRED:
        return TlsFailure::kExpired;
      case SSL_R_TLSV1_ALERT_UNKNOWN_CA:
      case SSL_R_SSLV3_ALERT_BAD_CERTIFICATE:
        return TlsFailure::kUntrusted;
      default:
        break;
    }
  }
  return TlsFailure::kHandshake;
}

boost::system::error_code make_error_code(TlsFailure failure) {
  return {static_cast<int>(failure), kCategory};
}

}  // namespace mesh
