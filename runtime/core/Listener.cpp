#include "core/Listener.h"

#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detail/socket_option.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <memory>
#include <optional>

#include "core/LogThrottle.h"
#include "core/WorkerContext.h"
#include "http/DownstreamConnection.h"

namespace mesh {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

tcp::acceptor openListener(const asio::any_io_executor& executor, const tcp::endpoint& endpoint,
                           PortSharing sharing) {
  using ReusePort = asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;
  tcp::acceptor acceptor(executor);
  acceptor.open(endpoint.protocol());
  acceptor.set_option(tcp::acceptor::reuse_address(true));
  switch (sharing) {
    case PortSharing::kNone:
      break;
    case PortSharing::kAllWorkers:
      acceptor.set_option(ReusePort(true));
      break;
  }
  acceptor.bind(endpoint);
  acceptor.listen(asio::socket_base::max_listen_connections);
  return acceptor;
}

void checkPortIsFree(const asio::any_io_executor& executor, const tcp::endpoint& endpoint) {
  // Without SO_REUSEPORT the bind fails on a port with any listener; SO_REUSEADDR keeps the
  // connections an earlier run left in TIME_WAIT from counting.
  tcp::acceptor probe(executor);
  probe.open(endpoint.protocol());
  probe.set_option(tcp::acceptor::reuse_address(true));
  probe.bind(endpoint);
}

namespace {

void serve(tcp::socket socket, WorkerContext& worker, const Router& router) {
  boost::system::error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  const asio::any_io_executor executor = socket.get_executor();
  auto session = std::make_shared<DownstreamConnection>(std::move(socket), worker, router);
  asio::co_spawn(executor, session->run(), [session](const std::exception_ptr& error) {
    if (!error) return;
    try {
      std::rethrow_exception(error);
    } catch (const std::exception& e) {
      spdlog::error("connection dropped by internal error: {}", e.what());
    }
  });
}

}  // namespace

asio::awaitable<void> acceptLoop(tcp::acceptor& acceptor, WorkerContext& worker,
                                 const Router& router) {
  constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);
  // Out of descriptors, accept() fails 20 times a second for as long as it lasts: the metric
  // counts every failure, the log says so every 10 s.
  LogThrottle failureLog(std::chrono::seconds(10));
  for (;;) {
    auto [ec, socket] = co_await acceptor.async_accept(kNoThrow);
    if (ec) {
      if (!acceptor.is_open()) co_return;  // drain closed it
      worker.stats.acceptFailed();
      if (const std::optional<uint64_t> heldBack = failureLog.admit(LogThrottle::Clock::now())) {
        spdlog::warn("worker {}: accept failed: {} ({} more failures since the last report)",
                     worker.index, ec.message(), *heldBack);
      }
      // Typically out of file descriptors: pause instead of spinning on the same error.
      asio::steady_timer pause(co_await asio::this_coro::executor, std::chrono::milliseconds(50));
      co_await pause.async_wait(kNoThrow);
      continue;
    }
    // Served even if a drain closed the listener meanwhile: dropping it would reset it.
    serve(std::move(socket), worker, router);
  }
}

void acceptBacklog(tcp::acceptor& acceptor, WorkerContext& worker, const Router& router) {
  boost::system::error_code ec;
  acceptor.non_blocking(true, ec);
  for (int taken = 0; !ec && taken < asio::socket_base::max_listen_connections; ++taken) {
    tcp::socket socket = acceptor.accept(ec);
    if (!ec) serve(std::move(socket), worker, router);
  }
}

}  // namespace mesh
