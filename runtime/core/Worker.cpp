#include "core/Worker.h"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "core/Listener.h"

namespace mesh {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kSweepInterval = std::chrono::seconds(10);
// Servers commonly drop idle keep-alive connections after 60 s or more; closing ours earlier
// avoids racing them.
constexpr auto kUpstreamIdleTimeout = std::chrono::seconds(30);

void logFailure(const char* what, unsigned worker, const std::exception_ptr& error) {
  if (!error) return;
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    spdlog::error("worker {}: {} stopped: {}", worker, what, e.what());
  }
}

}  // namespace

Worker::Worker(unsigned index, const SidecarState& state, StatsShard& stats)
    // Concurrency hint 1: only this worker's thread runs the context.
    : ioContext_(std::make_unique<asio::io_context>(1)),
      context_(index, state, stats),
      sweepTimer_(std::make_unique<asio::steady_timer>(*ioContext_)) {}

Worker::~Worker() {
  if (thread_.joinable()) {
    stop();
    thread_.join();
  }
  // Everything bound to the io_context goes before it; suspended sessions are destroyed with the
  // io_context, while the context they point into is still alive.
  acceptors_.clear();
  sweepTimer_.reset();
  context_.pool.close();
  ioContext_.reset();
}

uint16_t Worker::listen(const tcp::endpoint& endpoint, const Router& router) {
  acceptors_.push_back(std::make_unique<tcp::acceptor>(
      openListener(ioContext_->get_executor(), endpoint, PortSharing::kAllWorkers)));
  routers_.push_back(&router);
  return acceptors_.back()->local_endpoint().port();
}

void Worker::start(std::function<void()> onExit) {
  for (size_t i = 0; i < acceptors_.size(); ++i) {
    asio::co_spawn(*ioContext_, acceptLoop(*acceptors_[i], context_, *routers_[i]),
                   [index = context_.index](const std::exception_ptr& e) {
                     logFailure("accept loop", index, e);
                   });
  }
  asio::co_spawn(*ioContext_, sweepIdleUpstreams(),
                 [index = context_.index](const std::exception_ptr& e) {
                   logFailure("idle sweep", index, e);
                 });
  thread_ = std::thread([this, onExit = std::move(onExit)] {
    for (;;) {
      // A handler that throws must not take the worker down: log it and keep serving.
      try {
        ioContext_->run();
        break;
      } catch (const std::exception& e) {
        spdlog::error("worker {}: unexpected error: {}", context_.index, e.what());
      }
    }
    onExit();
  });
}

void Worker::adopt(std::shared_ptr<const ClusterTable> table) {
  asio::post(*ioContext_,
             [this, table = std::move(table)]() mutable { context_.adopt(std::move(table)); });
}

void Worker::beginDrain() {
  asio::post(*ioContext_, [this] {
    // Idle sessions first: those the backlog brings have not read their request yet.
    context_.sessions.closeIdle();
    boost::system::error_code ignored;
    for (size_t i = 0; i < acceptors_.size(); ++i) {
      acceptBacklog(*acceptors_[i], context_, *routers_[i]);
      acceptors_[i]->close(ignored);
    }
    context_.mirrors.closeIdle();
    context_.pool.close();
    sweepTimer_->cancel();
  });
}

void Worker::stop() { ioContext_->stop(); }

asio::awaitable<void> Worker::sweepIdleUpstreams() {
  while (!context_.state.draining()) {
    sweepTimer_->expires_after(kSweepInterval);
    auto [ec] = co_await sweepTimer_->async_wait(asio::as_tuple(asio::use_awaitable));
    if (ec) co_return;
    context_.pool.closeIdleSince(std::chrono::steady_clock::now() - kUpstreamIdleTimeout);
  }
}

}  // namespace mesh
