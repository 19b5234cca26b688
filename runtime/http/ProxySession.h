#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <utility>

#include "core/SessionList.h"
#include "http/PolicyRequest.h"

namespace mesh {

class Router;
struct RouteDecision;
struct WorkerContext;

// One downstream connection of a proxy listener. It reads requests one after the other, asks the
// router where each goes, forwards it over a pooled upstream connection and streams both bodies
// through fixed-size buffers, until either side closes, a request says Connection: close, or the
// sidecar drains. Lives on one worker thread; owned by a shared_ptr so timer callbacks can hold it.
class ProxySession final : public std::enable_shared_from_this<ProxySession>,
                           public DrainableSession {
 public:
  ProxySession(boost::asio::ip::tcp::socket socket, WorkerContext& worker, const Router& router);
  ~ProxySession() override;

  boost::asio::awaitable<void> run();
  void closeIfIdle() override;

 private:
  struct Exchange;  // one request/response exchange with an upstream
  using Clock = std::chrono::steady_clock;

  boost::asio::awaitable<bool> serve(Exchange& exchange);
  boost::asio::awaitable<bool> forward(Exchange& exchange);
  boost::asio::awaitable<void> connect(Exchange& exchange, bool allowPooled);
  boost::asio::awaitable<void> exchangeOnce(Exchange& exchange);
  boost::asio::awaitable<void> pumpRequestBody(Exchange& exchange);
  boost::asio::awaitable<void> relayResponse(Exchange& exchange);
  boost::asio::awaitable<void> relayResponseBody(Exchange& exchange);
  boost::asio::awaitable<bool> writeResponsePiece(Exchange& exchange, char* data, size_t size);
  boost::asio::awaitable<bool> answerLocally(Exchange& exchange, unsigned status,
                                             std::string_view message, bool keepAlive);
  std::pair<unsigned, std::string> describeFailure(const Exchange& exchange) const;
  void releaseUpstream(Exchange& exchange);
  void record(const Exchange& exchange, unsigned status);

  void watchIdle(Clock::time_point at);
  void onIdleTimer();
  void touch() { lastActivity_ = Clock::now(); }
  void watchStream(Clock::time_point at);
  void onStreamTimer();
  void armDeadline(Clock::duration after);
  void armUpstreamTimer(const Exchange& exchange, bool connecting);
  void disarmDeadline();
  void onDeadline();
  void abandon(Exchange& exchange);
  void closeDownstream();
  char* bodyBuffer(bool request);

  boost::asio::ip::tcp::socket downstream_;
  boost::beast::flat_buffer downstreamBuffer_;
  WorkerContext& worker_;
  const Router& router_;
  std::string peer_;
  PolicyRequestBuilder policyRequest_;
  boost::asio::steady_timer idleTimer_;      // closes a connection idle for too long
  boost::asio::steady_timer deadlineTimer_;  // connect budget and request deadline
  boost::asio::steady_timer streamTimer_;    // ends an exchange in which nothing moves
  bool streamTimerArmed_ = false;
  Clock::time_point lastActivity_;  // of the current exchange: its start or a byte moving
  uint64_t deadlineGeneration_ = 0;
  bool idle_ = false;  // waiting for the next request
  Clock::time_point idleSince_;
  Exchange* exchange_ = nullptr;
  std::unique_ptr<char[]> bodyBuffers_;  // allocated on the first request with a body
};

}  // namespace mesh
