#pragma once

// The three clocks of a downstream connection. Internal to the runtime (brings in Asio).

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <memory>

#include "http/Exchange.h"

namespace mesh {

// What the timers do to the connection that owns them.
class TimerOwner {
 public:
  // The connection has waited for a request for too long.
  virtual void idleTimedOut() = 0;
  // A timer ended the current exchange early, for `why`.
  virtual void abandon(Exchange& exchange, Abandoned why) = 0;
  virtual bool connectionOpen() const = 0;

 protected:
  ~TimerOwner() = default;
};

// The idle timer (between requests), the upstream timer (connect budget, then the route's
// deadline) and the stream-idle timer (nothing moves in an exchange). The idle and stream-idle
// timers are re-armed from their own handlers rather than on every request or byte: re-arming
// cancels the pending wait, and every cancellation is a completion that goes through the event
// loop. Handlers hold the owner weakly: a connection that ends does not wait for its timers.
class ConnectionTimers {
 public:
  using Clock = std::chrono::steady_clock;

  ConnectionTimers(const boost::asio::any_io_executor& executor, Clock::duration streamIdleTimeout);

  void start(std::weak_ptr<TimerOwner> owner);
  void cancel();

  // Waiting for the next request, or not.
  void setIdle(bool idle);
  bool idle() const { return idle_; }

  // A byte moved in the current exchange.
  void touch() { lastActivity_ = Clock::now(); }

  void beginExchange(Exchange& exchange);
  void endExchange();

  // Starts the upstream timer of the current exchange: the connect budget (when connecting)
  // bounded by the route's deadline and the attempt's per-try deadline, or those alone, or
  // nothing.
  void armUpstream(bool connecting);

 private:
  void watchIdle(Clock::time_point at);
  void onIdleTimer();
  void watchStream(Clock::time_point at);
  void onStreamTimer();
  void armDeadline(Clock::duration after);
  void disarmDeadline();
  void onDeadline();

  std::weak_ptr<TimerOwner> owner_;
  const Clock::duration streamIdleTimeout_;
  boost::asio::steady_timer idleTimer_;
  boost::asio::steady_timer deadlineTimer_;
  boost::asio::steady_timer streamTimer_;
  bool streamTimerArmed_ = false;
  uint64_t deadlineGeneration_ = 0;
  bool idle_ = false;
  Clock::time_point idleSince_;
  Clock::time_point lastActivity_;  // of the current exchange: its start or a byte moving
  Exchange* exchange_ = nullptr;
};

}  // namespace mesh
