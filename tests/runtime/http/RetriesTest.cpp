#include <gtest/gtest.h>

#include <boost/asio/error.hpp>
#include <boost/beast/http/error.hpp>

#include "http/Retries.h"

namespace mesh {
namespace {

TEST(Retries, AnAttemptEndsInTheWayItsFailureSays) {
  Exchange connectFailed;
  connectFailed.connectError = boost::asio::error::connection_refused;
  EXPECT_EQ(attemptEndOf(connectFailed), AttemptEnd::kConnectFailure);

  Exchange connectTimedOut;
  connectTimedOut.abandoned = Abandoned::kConnectBudget;
  connectTimedOut.connectError = boost::asio::error::timed_out;
  EXPECT_EQ(attemptEndOf(connectTimedOut), AttemptEnd::kConnectFailure);

  Exchange reset;
  reset.requestBody = BodyState::kDone;
  reset.responseState = ResponseState::kPartial;
  reset.upstreamError = boost::beast::http::error::partial_message;
  EXPECT_EQ(attemptEndOf(reset), AttemptEnd::kReset);

  Exchange perTry;
  perTry.requestBody = BodyState::kDone;
  perTry.abandoned = Abandoned::kTryTimeout;
  EXPECT_EQ(attemptEndOf(perTry), AttemptEnd::kPerTryTimeout);
}

TEST(Retries, NothingIsRetriedOnceTheClientHasPartOfAResponseOrIsGone) {
  Exchange cut;
  cut.requestBody = BodyState::kDone;
  cut.responseState = ResponseState::kSending;
  cut.upstreamError = boost::beast::http::error::partial_message;
  EXPECT_EQ(attemptEndOf(cut), std::nullopt);

  Exchange gone;
  gone.requestBody = BodyState::kClientGone;
  gone.upstreamError = boost::asio::error::operation_aborted;
  EXPECT_EQ(attemptEndOf(gone), std::nullopt);

  Exchange malformed;
  malformed.requestBody = BodyState::kClientMalformed;
  malformed.upstreamError = boost::asio::error::operation_aborted;
  EXPECT_EQ(attemptEndOf(malformed), std::nullopt);

  // The route's own timeout and a stall end the exchange, not just the attempt.
  for (Abandoned why :
       {Abandoned::kRouteDeadline, Abandoned::kClientStalled, Abandoned::kUpstreamStalled}) {
    Exchange timedOut;
    timedOut.requestBody = BodyState::kDone;
    timedOut.abandoned = why;
    timedOut.upstreamError = boost::asio::error::operation_aborted;
    EXPECT_EQ(attemptEndOf(timedOut), std::nullopt);
  }

  Exchange fine;
  fine.requestBody = BodyState::kDone;
  fine.responseState = ResponseState::kDone;
  EXPECT_EQ(attemptEndOf(fine), std::nullopt);
}

TEST(Retries, ClearingAnAttemptKeepsTheRequestAndTheRouteDeadline) {
  Exchange exchange;
  exchange.requestBody = BodyState::kDone;
  exchange.responseState = ResponseState::kHeldForRetry;
  exchange.abandoned = Abandoned::kTryTimeout;
  exchange.connectError = boost::asio::error::timed_out;
  exchange.upstreamError = boost::asio::error::connection_reset;
  exchange.status = 503;
  exchange.tryDeadline = Exchange::Clock::now();
  exchange.deadline = Exchange::Clock::now();
  exchange.replay.start();
  exchange.replay.append("body", 4);
  clearAttempt(exchange);
  EXPECT_EQ(exchange.responseState, ResponseState::kNothing);
  EXPECT_EQ(exchange.abandoned, Abandoned::kNo);
  EXPECT_FALSE(exchange.connectError);
  EXPECT_FALSE(exchange.upstreamError);
  EXPECT_EQ(exchange.status, 0u);
  EXPECT_FALSE(exchange.tryDeadline);
  EXPECT_TRUE(exchange.deadline);
  EXPECT_EQ(exchange.requestBody, BodyState::kDone);
  EXPECT_EQ(exchange.replay.bytes(), "body");

  Exchange routeTimedOut;
  routeTimedOut.abandoned = Abandoned::kRouteDeadline;
  clearAttempt(routeTimedOut);
  EXPECT_EQ(routeTimedOut.abandoned, Abandoned::kRouteDeadline) << "not the attempt's to clear";
}

}  // namespace
}  // namespace mesh
