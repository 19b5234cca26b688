#include <gtest/gtest.h>

#include <boost/asio/error.hpp>
#include <boost/beast/http/error.hpp>

#include "http/ExchangeFlag.h"
#include "http/UpstreamProtocolError.h"

namespace mesh {
namespace {

namespace http = boost::beast::http;

TEST(ExchangeFlag, AResponseRelayedWholeHasNone) {
  Exchange exchange;
  exchange.requestBody = BodyState::kDone;
  exchange.responseState = ResponseState::kDone;
  EXPECT_EQ(responseFlagOf(exchange), ResponseFlag::kNone);
}

TEST(ExchangeFlag, AClientGoneMidUploadIsDownstreamTermination) {
  Exchange exchange;
  exchange.requestBody = BodyState::kClientGone;
  // Closing the upstream's half-request wakes the response side with an error of its own.
  exchange.upstreamError = boost::asio::error::operation_aborted;
  EXPECT_EQ(responseFlagOf(exchange), ResponseFlag::kDownstreamConnectionTermination);
}

TEST(ExchangeFlag, AClientThatStopsTakingTheResponseIsDownstreamTermination) {
  Exchange exchange;
  exchange.requestBody = BodyState::kDone;
  exchange.responseState = ResponseState::kDownstreamFailed;
  EXPECT_EQ(responseFlagOf(exchange), ResponseFlag::kDownstreamConnectionTermination);
}

TEST(ExchangeFlag, TimersNameTheirTimeout) {
  Exchange exchange;
  exchange.upstreamError = boost::asio::error::operation_aborted;
  exchange.abandoned = Abandoned::kRouteDeadline;
  EXPECT_EQ(responseFlagOf(exchange), ResponseFlag::kUpstreamRequestTimeout);
  exchange.abandoned = Abandoned::kUpstreamStalled;
  EXPECT_EQ(responseFlagOf(exchange), ResponseFlag::kUpstreamRequestTimeout);
  exchange.abandoned = Abandoned::kTryTimeout;  // the last attempt's per-try timeout
  EXPECT_EQ(responseFlagOf(exchange), ResponseFlag::kUpstreamRequestTimeout);
  exchange.abandoned = Abandoned::kClientStalled;
  exchange.requestBody = BodyState::kAbandoned;
  EXPECT_EQ(responseFlagOf(exchange), ResponseFlag::kStreamIdleTimeout);
  exchange.abandoned = Abandoned::kConnectBudget;
  exchange.connectError = boost::asio::error::timed_out;
  EXPECT_EQ(responseFlagOf(exchange), ResponseFlag::kUpstreamConnectionFailure);
}

TEST(ExchangeFlag, ATimerThatCutsARelayedResponseStillNamesIt) {
  Exchange exchange;
  exchange.responseState = ResponseState::kSending;
  exchange.abandoned = Abandoned::kRouteDeadline;
  EXPECT_EQ(responseFlagOf(exchange), ResponseFlag::kUpstreamRequestTimeout);
}

TEST(ExchangeFlag, AFailedConnectIsUpstreamConnectionFailure) {
  Exchange exchange;
  exchange.connectError = boost::asio::error::connection_refused;
  EXPECT_EQ(responseFlagOf(exchange), ResponseFlag::kUpstreamConnectionFailure);
}

TEST(ExchangeFlag, AMalformedUploadIsDownstreamProtocolError) {
  Exchange exchange;
  exchange.requestBody = BodyState::kClientMalformed;
  exchange.upstreamError = boost::asio::error::broken_pipe;
  EXPECT_EQ(responseFlagOf(exchange), ResponseFlag::kDownstreamProtocolError);
}

TEST(ExchangeFlag, AnUpstreamThatEndsItsConnectionEarlyIsUpstreamTermination) {
  Exchange exchange;
  exchange.requestBody = BodyState::kDone;
  for (const boost::system::error_code ec :
       {boost::system::error_code(boost::asio::error::connection_reset),
        boost::system::error_code(http::error::end_of_stream),
        boost::system::error_code(http::error::partial_message)}) {
    exchange.upstreamError = ec;
    exchange.responseState = ResponseState::kNothing;
    EXPECT_EQ(responseFlagOf(exchange), ResponseFlag::kUpstreamConnectionTermination)
        << ec.message();
    exchange.responseState = ResponseState::kSending;  // cut mid-body
    EXPECT_EQ(responseFlagOf(exchange), ResponseFlag::kUpstreamConnectionTermination)
        << ec.message();
  }
}

TEST(ExchangeFlag, AResponseThatBreaksHttpIsUpstreamProtocolError) {
  Exchange exchange;
  exchange.requestBody = BodyState::kDone;
  for (const boost::system::error_code ec :
       {boost::system::error_code(http::error::bad_status),
        boost::system::error_code(http::error::bad_chunk),
        make_error_code(UpstreamProtocolError::kAmbiguousFraming),
        make_error_code(UpstreamProtocolError::kTooManyInterimResponses)}) {
    exchange.upstreamError = ec;
    exchange.responseState = ResponseState::kHeaderReceived;
    EXPECT_EQ(responseFlagOf(exchange), ResponseFlag::kUpstreamProtocolError) << ec.message();
  }
}

}  // namespace
}  // namespace mesh
