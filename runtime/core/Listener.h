#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace mesh {

class Router;
struct WorkerContext;

// Opens a listening socket with SO_REUSEPORT, so every worker can own a socket on the same port
// and the kernel spreads connections over them. Throws boost::system::system_error.
boost::asio::ip::tcp::acceptor openListener(const boost::asio::any_io_executor& executor,
                                            const boost::asio::ip::tcp::endpoint& endpoint);

// Accepts connections until the acceptor is closed, each becoming a DownstreamConnection.
boost::asio::awaitable<void> acceptLoop(boost::asio::ip::tcp::acceptor& acceptor,
                                        WorkerContext& worker, const Router& router);

}  // namespace mesh
