#include "http/ConnectionTimers.h"

#include <algorithm>
#include <optional>

namespace mesh {
namespace {

constexpr auto kIdleTimeout = std::chrono::seconds(60);
constexpr auto kConnectTimeout = std::chrono::seconds(5);

}  // namespace

ConnectionTimers::ConnectionTimers(const boost::asio::any_io_executor& executor,
                                   Clock::duration streamIdleTimeout)
    : streamIdleTimeout_(streamIdleTimeout),
      idleTimer_(executor),
      deadlineTimer_(executor),
      streamTimer_(executor) {}

void ConnectionTimers::start(std::weak_ptr<TimerOwner> owner) {
  owner_ = std::move(owner);
  watchIdle(Clock::now() + kIdleTimeout);
}

void ConnectionTimers::cancel() {
  idleTimer_.cancel();
  streamTimer_.cancel();
}

void ConnectionTimers::setIdle(bool idle) {
  idle_ = idle;
  if (idle) idleSince_ = Clock::now();
}

void ConnectionTimers::beginExchange(Exchange& exchange) {
  exchange_ = &exchange;
  touch();
  if (!streamTimerArmed_) watchStream(lastActivity_ + streamIdleTimeout_);
}

void ConnectionTimers::endExchange() {
  disarmDeadline();
  exchange_ = nullptr;
}

void ConnectionTimers::armUpstream(bool connecting) {
  std::optional<Clock::duration> budget;
  if (connecting) budget = kConnectTimeout;
  const Clock::time_point now = Clock::now();
  for (const std::optional<Clock::time_point>& end :
       {exchange_ ? exchange_->deadline : std::nullopt,
        exchange_ ? exchange_->tryDeadline : std::nullopt}) {
    if (!end) continue;
    const Clock::duration left = std::max(*end - now, Clock::duration{0});
    budget = budget ? std::min(*budget, left) : left;
  }
  if (budget) {
    armDeadline(*budget);
  } else {
    disarmDeadline();
  }
}

void ConnectionTimers::watchIdle(Clock::time_point at) {
  idleTimer_.expires_at(at);
  idleTimer_.async_wait([this, owner = owner_](const boost::system::error_code& ec) {
    if (!ec && !owner.expired()) onIdleTimer();
  });
}

void ConnectionTimers::onIdleTimer() {
  const std::shared_ptr<TimerOwner> owner = owner_.lock();
  const Clock::time_point expiry = idleSince_ + kIdleTimeout;
  if (idle_ && Clock::now() >= expiry) {
    owner->idleTimedOut();
    return;
  }
  if (owner->connectionOpen()) watchIdle(idle_ ? expiry : Clock::now() + kIdleTimeout);
}

void ConnectionTimers::watchStream(Clock::time_point at) {
  streamTimerArmed_ = true;
  streamTimer_.expires_at(at);
  streamTimer_.async_wait([this, owner = owner_](const boost::system::error_code& ec) {
    if (owner.expired()) return;
    streamTimerArmed_ = false;
    if (!ec) onStreamTimer();
  });
}

void ConnectionTimers::onStreamTimer() {
  // A pending wait never expires later than lastActivity_ + timeout, and is pushed on to that
  // time when it fires.
  Exchange* exchange = exchange_;
  if (!exchange) return;  // between exchanges; beginExchange arms it again
  const Clock::time_point now = Clock::now();
  // A route timeout, where set, is what bounds the wait for the response header.
  const bool awaitingHeader = exchange->responseState == ResponseState::kNothing ||
                              exchange->responseState == ResponseState::kPartial;
  const bool routeDeadlineRules = (exchange->deadline || exchange->tryDeadline) &&
                                  exchange->requestBody == BodyState::kDone && awaitingHeader;
  if (routeDeadlineRules || now < lastActivity_ + streamIdleTimeout_) {
    watchStream(routeDeadlineRules ? now + streamIdleTimeout_ : lastActivity_ + streamIdleTimeout_);
    return;
  }
  // Nothing moved for the whole timeout: a client trickling nothing (slowloris) or a stuck
  // upstream must not hold two connections for ever.
  const bool clientStalled = exchange->requestBody == BodyState::kReadingClient;
  owner_.lock()->abandon(*exchange,
                         clientStalled ? Abandoned::kClientStalled : Abandoned::kUpstreamStalled);
}

void ConnectionTimers::armDeadline(Clock::duration after) {
  const uint64_t generation = ++deadlineGeneration_;
  deadlineTimer_.expires_after(after);
  deadlineTimer_.async_wait(
      [this, owner = owner_, generation](const boost::system::error_code& ec) {
        if (!ec && !owner.expired() && generation == deadlineGeneration_) onDeadline();
      });
}

void ConnectionTimers::disarmDeadline() {
  ++deadlineGeneration_;
  deadlineTimer_.cancel();
}

void ConnectionTimers::onDeadline() {
  Exchange* exchange = exchange_;
  if (!exchange) return;
  const Clock::time_point now = Clock::now();
  Abandoned why = Abandoned::kConnectBudget;
  if (exchange->deadline && now >= *exchange->deadline) {
    why = Abandoned::kRouteDeadline;
  } else if (exchange->tryDeadline && now >= *exchange->tryDeadline) {
    why = Abandoned::kTryTimeout;
  }
  owner_.lock()->abandon(*exchange, why);
}

}  // namespace mesh
