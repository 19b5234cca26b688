#include "upstream/Connector.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/SidecarState.h"
#include "tls/MtlsPlan.h"
#include "tls/MutualTls.h"

namespace mesh {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);

asio::awaitable<boost::system::error_code> connectSocket(UpstreamConnection& connection,
                                                         const HostPort& address,
                                                         const std::function<bool()>& abandoned) {
  boost::system::error_code ec;
  const asio::ip::address ip = asio::ip::make_address(address.host, ec);
  if (!ec) {
    const tcp::endpoint endpoint(ip, address.port);
    auto [connectError] = co_await connection.stream.socket().async_connect(endpoint, kNoThrow);
    co_return connectError;
  }
  tcp::resolver resolver(connection.stream.get_executor());
  const std::string port = std::to_string(address.port);
  auto [resolveError, results] = co_await resolver.async_resolve(address.host, port, kNoThrow);
  if (resolveError) co_return resolveError;
  if (abandoned()) co_return asio::error::operation_aborted;
  auto [connectError, connected] =
      co_await asio::async_connect(connection.stream.socket(), results, kNoThrow);
  co_return connectError;
}

}  // namespace

UpstreamSecurity upstreamSecurityFor(const SidecarState& state, uint32_t serviceIndex) {
  const mesh_service& service = state.module.services[serviceIndex];
  if (!state.hasCredentials || !originatesMutualTls(service)) return {};
  return {&service};
}

bool suits(const UpstreamConnection& connection, const UpstreamSecurity& security) {
  if (!security.mutualTls) return connection.peerPrincipal.empty();
  return isPrincipalOf(connection.peerPrincipal, *security.mutualTls);
}

asio::awaitable<boost::system::error_code> connectUpstream(UpstreamConnection& connection,
                                                           const HostPort& address,
                                                           const std::function<bool()>& abandoned,
                                                           const UpstreamSecurity& security,
                                                           const SidecarState& state) {
  const boost::system::error_code ec = co_await connectSocket(connection, address, abandoned);
  if (ec || !security.mutualTls || abandoned()) co_return ec;
  connection.credentials = state.credentials();
  const boost::system::error_code tlsError = co_await originateUpstreamTls(
      connection.stream, *connection.credentials, *security.mutualTls, connection.peerPrincipal);
  if (!tlsError) {
    connection.stats().mtlsEstablished(TlsDirection::kOutbound);
  } else if (tlsError.category() == make_error_code(TlsFailure::kHandshake).category()) {
    connection.stats().mtlsFailed(TlsDirection::kOutbound,
                                  static_cast<TlsFailure>(tlsError.value()));
  } else if (abandoned()) {
    connection.stats().mtlsFailed(TlsDirection::kOutbound, TlsFailure::kTimeout);
  }
  co_return tlsError;
}

}  // namespace mesh
