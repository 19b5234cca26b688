#include "upstream/Connector.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/address.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace mesh {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

asio::awaitable<boost::system::error_code> connectUpstream(UpstreamConnection& connection,
                                                           const HostPort& address,
                                                           const std::function<bool()>& abandoned) {
  constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);
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

}  // namespace mesh
