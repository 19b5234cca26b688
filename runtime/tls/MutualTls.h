#pragma once

// Mutual TLS on a connection, inbound and outbound. Internal to the runtime (brings in Asio).

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "http/Stream.h"
#include "mesh/abi.h"
#include "tls/MtlsMode.h"
#include "tls/TlsCredentials.h"
#include "tls/TlsFailure.h"

namespace mesh {

// How long a peer has to complete a handshake, and an inbound client to send its first byte.
inline constexpr std::chrono::seconds kHandshakeTimeout{10};

struct InboundTls {
  enum class Outcome {
    kPlaintext,  // served as plaintext (PERMISSIVE, or no credentials)
    kMutualTls,  // `principal` is the verified peer's SPIFFE ID
    kRefused,    // `failure` says why; the connection must close
    kClosed,     // the client left before sending a byte: nothing to count
  };
  Outcome outcome = Outcome::kPlaintext;
  std::optional<TlsFailure> failure;
  std::string principal;
};

// Looks at the first byte of an inbound connection under `mode` (not kDisable): a TLS handshake
// record is answered with a handshake that requires a client certificate issued by the bundle's
// CA and holding a SPIFFE ID of the credentials' trust domain; anything else is plaintext, which
// STRICT refuses. Without credentials (PERMISSIVE only) every connection is plaintext.
// `timeout` bounds the wait for the first byte and the handshake together.
boost::asio::awaitable<InboundTls> acceptInboundTls(
    Stream& stream, MtlsMode mode, const TlsCredentials* credentials,
    std::chrono::steady_clock::duration timeout = kHandshakeTimeout);

// Turns a connected upstream stream into mutual TLS with `credentials`' client side, and checks
// the upstream's SPIFFE ID is one of `service`'s principals; `peer` gets it. Returns a TlsFailure
// error, or an I/O error, on failure; the caller's timer bounds it by closing the socket.
// Under TLS 1.3 the client's handshake ends before the server has judged the client's
// certificate: a server that refuses it fails the first read, as an upstream error.
boost::asio::awaitable<boost::system::error_code> originateUpstreamTls(
    Stream& stream, const TlsCredentials& credentials, const mesh_service& service,
    std::string& peer);

// Whether `principal` is one of the service's.
bool isPrincipalOf(std::string_view principal, const mesh_service& service);

// What a plaintext HTTP client gets from a STRICT port before it is closed: a whole response.
std::string_view plaintextRefusal();

}  // namespace mesh
