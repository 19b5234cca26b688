#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

namespace mesh {

class Router;
struct WorkerContext;

// Whether a listening socket shares its port with the other workers' sockets.
enum class PortSharing {
  kNone,        // one socket for the port (the admin server)
  kAllWorkers,  // SO_REUSEPORT: each worker owns a socket, the kernel spreads connections
};

// Opens a listening socket. Throws boost::system::system_error.
boost::asio::ip::tcp::acceptor openListener(const boost::asio::any_io_executor& executor,
                                            const boost::asio::ip::tcp::endpoint& endpoint,
                                            PortSharing sharing);

// Throws boost::system::system_error (address_in_use) when some socket listens on the endpoint's
// port already. SO_REUSEPORT lets every process of the same user bind a port whose listeners all
// have it, and the kernel then spreads connections over both processes: a second sidecar started
// on the same port by mistake would silently take part of the first one's traffic. So the
// workers' group of sockets is opened only on a port this finds free. (A process binding between
// this check and the workers' binds goes unnoticed.)
void checkPortIsFree(const boost::asio::any_io_executor& executor,
                     const boost::asio::ip::tcp::endpoint& endpoint);

// Accepts connections until the acceptor is closed, each becoming a DownstreamConnection.
boost::asio::awaitable<void> acceptLoop(boost::asio::ip::tcp::acceptor& acceptor,
                                        WorkerContext& worker, const Router& router);

// Before a drain closes the listener: closing it resets every connection the kernel has completed
// into its backlog but the sidecar has not accepted, though their clients may have sent a
// request already. This accepts them without waiting, until the backlog is empty or, under a
// flood, after as many as a backlog holds; each gets one request answered with Connection: close.
void acceptBacklog(boost::asio::ip::tcp::acceptor& acceptor, WorkerContext& worker,
                   const Router& router);

}  // namespace mesh
