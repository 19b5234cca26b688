#include "tls/MutualTls.h"

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

InboundTls refused(TlsFailure failure) {
  return {InboundTls::Outcome::kRefused, failure, {}};
}

}  // namespace

const std::string_view kPlaintextRefusal =
    "HTTP/1.1 400 Bad Request\r\n"
    "Content-Type: text/plain\r\n"
    "Content-Length: 60\r\n"
    "Connection: close\r\n"
    "\r\n"
    "meshc: this port requires mutual TLS (mtls strict); use TLS\n";

asio::awaitable<InboundTls> acceptInboundTls(Stream& stream, MtlsMode mode,
                                             const TlsCredentials* credentials,
                                             std::chrono::steady_clock::duration timeout) {
  if (!credentials) co_return InboundTls{};
  asio::steady_timer timer(stream.get_executor(), timeout);
  // Peeking leaves the byte for whichever reads the stream next, TLS or HTTP.
  const auto waited = co_await (stream.socket().async_wait(Stream::Socket::wait_read, kNoThrow) ||
                                timer.async_wait(kNoThrow));
  if (waited.index() == 1) co_return refused(TlsFailure::kTimeout);
  unsigned char first = 0;
  boost::system::error_code ec;
  const size_t peeked =
      stream.socket().receive(asio::buffer(&first, 1), MSG_PEEK, ec);
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
                                                                const mesh_service& service) {
  stream.startTls(credentials.client());
  const auto [ec] = co_await stream.async_handshake(asio::ssl::stream_base::client, kNoThrow);
  if (ec) {
    // A socket closed by the caller's timer is its timeout, not the peer's fault.
    if (ec == asio::error::operation_aborted || !stream.isOpen()) co_return ec;
    co_return make_error_code(classifyHandshakeFailure(ec, stream.tls()));
  }
  const std::optional<std::string> id = spiffeIdOf(SSL_get0_peer_certificate(stream.tls()));
  if (id) {
    for (uint32_t i = 0; i < service.principal_count; ++i) {
      if (*id == service.principals[i]) co_return boost::system::error_code{};
    }
  }
  stream.close();
  co_return make_error_code(TlsFailure::kWrongIdentity);
}

}  // namespace mesh
