#include "tls/MutualTls.h"

#include <fmt/format.h>
#include <sys/socket.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <string_view>

#include "tls/SpiffeId.h"

namespace mesh {
namespace asio = boost::asio;
using namespace asio::experimental::awaitable_operators;

namespace {

constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);
// The first byte of a TLS record carrying a handshake message (RFC 8446 §5.1): a ClientHello.
constexpr unsigned char kTlsHandshakeRecord = 0x16;

InboundTls refused(TlsFailure failure) { return {InboundTls::Outcome::kRefused, failure, {}}; }

}  // namespace

std::string_view plaintextRefusal() {
  static constexpr std::string_view kBody =
      "meshc: this port requires mutual TLS (mtls strict); use TLS\n";
  static const std::string kResponse = fmt::format(
      "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain\r\nContent-Length: {}\r\n"
      "Connection: close\r\n\r\n{}",
      kBody.size(), kBody);
  return kResponse;
}

bool isPrincipalOf(std::string_view principal, const mesh_service& service) {
  for (uint32_t i = 0; i < service.principal_count; ++i) {
    if (principal == service.principals[i]) return true;
  }
  return false;
}

asio::awaitable<InboundTls> acceptInboundTls(Stream& stream, MtlsMode mode,
                                             const TlsCredentials* credentials,
                                             std::chrono::steady_clock::duration timeout) {
  // A strict service's sidecar does not start without credentials (credentialsRequirement); this
  // keeps a strict port closed to plaintext even if that ever changed.
  if (!credentials) {
    co_return mode == MtlsMode::kStrict ? refused(TlsFailure::kHandshake) : InboundTls{};
  }
  asio::steady_timer timer(stream.get_executor(), timeout);
  // Peeking leaves the byte for whichever reads the stream next, TLS or HTTP.
  const auto waited = co_await (stream.socket().async_wait(Stream::Socket::wait_read, kNoThrow) ||
                                timer.async_wait(kNoThrow));
  if (waited.index() == 1) co_return refused(TlsFailure::kTimeout);
  unsigned char first = 0;
  boost::system::error_code ec;
  const size_t peeked = stream.socket().receive(asio::buffer(&first, 1), MSG_PEEK, ec);
  if (ec || peeked == 0) co_return InboundTls{InboundTls::Outcome::kClosed, std::nullopt, {}};
  if (first != kTlsHandshakeRecord) {
    switch (mode) {
      case MtlsMode::kStrict:
        co_return refused(TlsFailure::kPlaintext);
      case MtlsMode::kPermissive:
      case MtlsMode::kDisable:
        co_return InboundTls{};
    }
  }
  stream.startTls(credentials->server());
  const auto shaken = co_await (stream.async_handshake(asio::ssl::stream_base::server, kNoThrow) ||
                                timer.async_wait(kNoThrow));
  if (shaken.index() == 1) co_return refused(TlsFailure::kTimeout);
  if (const auto& [handshakeError] = std::get<0>(shaken); handshakeError) {
    co_return refused(classifyHandshakeFailure(handshakeError, stream.tls()));
  }
  std::optional<std::string> id = spiffeIdOf(SSL_get0_peer_certificate(stream.tls()));
  if (!id || !inTrustDomain(*id, credentials->trustDomain())) {
    co_return refused(TlsFailure::kWrongIdentity);
  }
  co_return InboundTls{InboundTls::Outcome::kMutualTls, std::nullopt, std::move(*id)};
}

asio::awaitable<boost::system::error_code> originateUpstreamTls(Stream& stream,
                                                                const TlsCredentials& credentials,
                                                                const mesh_service& service,
                                                                std::string& peer) {
  stream.startTls(credentials.client());
  const auto [ec] = co_await stream.async_handshake(asio::ssl::stream_base::client, kNoThrow);
  if (ec) {
    // A socket closed by the caller's timer is its timeout, not the peer's fault.
    if (ec == asio::error::operation_aborted || !stream.isOpen()) co_return ec;
    co_return make_error_code(classifyHandshakeFailure(ec, stream.tls()));
  }
  std::optional<std::string> id = spiffeIdOf(SSL_get0_peer_certificate(stream.tls()));
  if (id && isPrincipalOf(*id, service)) {
    peer = std::move(*id);
    co_return boost::system::error_code{};
  }
  stream.close();
  co_return make_error_code(TlsFailure::kWrongIdentity);
}

}  // namespace mesh
