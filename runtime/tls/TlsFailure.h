#pragma once

#include <openssl/types.h>

#include <boost/system/error_code.hpp>
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <type_traits>

namespace mesh {

// Why a mutual TLS connection was refused, in either direction: the `reason` label of
// meshc_mtls_failures_total, and the error a failed upstream connect reports.
enum class TlsFailure : uint8_t {
  kPlaintext = 1,  // a plaintext client on a STRICT port
  kTimeout,        // the handshake did not finish in time
  kNoCertificate,  // the peer presented no certificate
  kExpired,        // the peer's certificate has expired, or is not valid yet
  kUntrusted,      // not issued by the trust bundle's CA, or failing verification otherwise
  kWrongIdentity,  // no SPIFFE ID, one of another trust domain, or not one the service runs as
  kHandshake,      // any other failure: no common protocol version or cipher, not TLS at all
};
// For dense tables indexed by failure.
constexpr size_t indexOf(TlsFailure failure) { return static_cast<size_t>(failure) - 1; }
inline constexpr size_t kTlsFailureCount = indexOf(TlsFailure::kHandshake) + 1;

// The metric label: "plaintext", "timeout", "no_certificate", ...
std::string_view labelOf(TlsFailure failure);

// What a handshake that failed with `ec` on `ssl` (null before a session existed) says about the
// peer. The verification result names certificate problems; the error itself names the rest.
TlsFailure classifyHandshakeFailure(const boost::system::error_code& ec, SSL* ssl);

boost::system::error_code make_error_code(TlsFailure failure);

}  // namespace mesh

template <>
struct boost::system::is_error_code_enum<mesh::TlsFailure> : std::true_type {};
