#include "http/ExchangeFlag.h"

#include <boost/beast/http/error.hpp>

#include "http/UpstreamProtocolError.h"

namespace mesh {
namespace {

ResponseFlag timerFlag(Abandoned why) {
  switch (why) {
    case Abandoned::kNo:
      return ResponseFlag::kNone;
    case Abandoned::kConnectBudget:
      return ResponseFlag::kUpstreamConnectionFailure;
    case Abandoned::kRouteDeadline:
    case Abandoned::kTryTimeout:
    case Abandoned::kUpstreamStalled:
      return ResponseFlag::kUpstreamRequestTimeout;
    case Abandoned::kClientStalled:
      return ResponseFlag::kStreamIdleTimeout;
  }
  return ResponseFlag::kNone;
}

// A response that does not parse, or that the sidecar refuses to relay, is the upstream
// breaking HTTP; anything else (a reset, an early close) is its connection ending.
ResponseFlag upstreamFailureFlag(const boost::system::error_code& ec) {
  const bool protocol =
      ec.category() == make_error_code(boost::beast::http::error::bad_status).category() ||
      ec.category() == make_error_code(UpstreamProtocolError::kAmbiguousFraming).category();
  // The parser reports an upstream that closes mid-header or mid-body as a partial message,
  // which is the connection ending, not a broken message.
  const bool cut = ec == boost::beast::http::error::partial_message ||
                   ec == boost::beast::http::error::end_of_stream;
  return protocol && !cut ? ResponseFlag::kUpstreamProtocolError
                          : ResponseFlag::kUpstreamConnectionTermination;
}

}  // namespace

ResponseFlag responseFlagOf(const Exchange& exchange) {
  switch (exchange.responseState) {
    case ResponseState::kDone:
      return ResponseFlag::kNone;
    case ResponseState::kDownstreamFailed:
      return ResponseFlag::kDownstreamConnectionTermination;
    case ResponseState::kSending:
      // Cut mid-body: by a timer, or by the upstream.
      if (exchange.abandoned != Abandoned::kNo) return timerFlag(exchange.abandoned);
      return upstreamFailureFlag(exchange.upstreamError);
    case ResponseState::kNothing:
    case ResponseState::kPartial:
    case ResponseState::kHeaderReceived:
    case ResponseState::kHeldForRetry:
      break;
  }
  // Nothing reached the client: the same order of causes as describeFailure.
  if (exchange.requestBody == BodyState::kClientGone) {
    return ResponseFlag::kDownstreamConnectionTermination;
  }
  if (exchange.abandoned != Abandoned::kNo) return timerFlag(exchange.abandoned);
  if (exchange.requestBody == BodyState::kClientMalformed) {
    return ResponseFlag::kDownstreamProtocolError;
  }
  if (exchange.connectError) return ResponseFlag::kUpstreamConnectionFailure;
  return upstreamFailureFlag(exchange.upstreamError);
}

}  // namespace mesh
