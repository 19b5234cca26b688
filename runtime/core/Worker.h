#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#include "core/WorkerContext.h"

namespace mesh {

class Router;

// One thread with its own io_context, listening sockets, upstream pool and stats shard: the unit
// of thread-per-core. Other threads talk to it only through beginDrain() and stop().
class Worker {
 public:
  Worker(unsigned index, const SidecarState& state, StatsShard& stats);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Binds a listening socket served by `router`; call before start(). Returns the bound port.
  // Throws boost::system::system_error.
  uint16_t listen(const boost::asio::ip::tcp::endpoint& endpoint, const Router& router);

  // Runs the event loop on a new thread; `onExit` runs on that thread when the loop ends.
  void start(std::function<void()> onExit);

  // Thread-safe. Stops accepting, closes idle connections and the pool; the loop then ends by
  // itself once the in-flight requests are done.
  void beginDrain();

  // Thread-safe. Ends the loop now, cutting whatever is in flight.
  void stop();

  size_t openConnections() const { return context_.sessions.size(); }

  // Thread-safe. The worker routes new requests with `table` from its next event on.
  void adopt(std::shared_ptr<const ClusterTable> table);

 private:
  boost::asio::awaitable<void> sweepIdleUpstreams();

  std::unique_ptr<boost::asio::io_context> ioContext_;
  WorkerContext context_;
  std::vector<std::unique_ptr<boost::asio::ip::tcp::acceptor>> acceptors_;
  std::vector<const Router*> routers_;
  std::unique_ptr<boost::asio::steady_timer> sweepTimer_;
  std::thread thread_;
};

}  // namespace mesh
