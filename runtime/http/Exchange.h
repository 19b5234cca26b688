#pragma once

// One request/response exchange of a downstream connection, shared by the connection loop, the
// upstream attempt and the timers. Internal to the runtime (brings in Beast's parser).

#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/serializer.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string_view>

#include "http/MirrorCopy.h"
#include "http/ReadLimits.h"
#include "http/ReplayBody.h"
#include "http/Router.h"
#include "upstream/UpstreamConnection.h"

namespace mesh {

class Retries;

// Names the cluster a response came from (or was refused for), on the outbound side.
inline constexpr std::string_view kClusterHeader = "x-mesh-upstream-cluster";

using RequestParser = boost::beast::http::request_parser<boost::beast::http::buffer_body>;
using ResponseParser = boost::beast::http::response_parser<boost::beast::http::buffer_body>;

// The limits every parser of the runtime reads with: a bounded header, a body of any length (it
// moves through in pieces).
template <class Parser>
void applyReadLimits(Parser& parser) {
  parser.header_limit(kMaxHeaderBytes);
  parser.body_limit(boost::none);
}

// How far the request body got. Only kDone leaves the downstream connection able to carry another
// request: otherwise the rest of this body would be taken for it.
enum class BodyState {
  kPending,          // the header is not forwarded yet
  kReadingClient,    // waiting for body bytes from the client
  kWritingUpstream,  // passing a piece on to the upstream
  kDone,
  kClientGone,       // the client closed or reset mid-body
  kClientMalformed,  // e.g. a broken chunk header
  kUpstreamFailed,   // the upstream stopped taking it
  kAbandoned,        // the sidecar stopped reading it: the response ended or a timer fired
};

// Whether the body is still on its way: the three states before an end.
bool bodyInFlight(BodyState state);

// How far the upstream's response got.
enum class ResponseState {
  kNothing,           // not a byte from the upstream yet
  kPartial,           // bytes, but no final header (part of one, or interim responses only)
  kHeaderReceived,    // a final header, not yet passed on
  kHeldForRetry,      // a final header the retry policy answers with another attempt: dropped
  kSending,           // the header went to the client: a failure can only cut the connection now
  kDone,              // relayed completely
  kDownstreamFailed,  // the client stopped taking it
};

// The header went to the client (completely or not): the sidecar cannot answer instead any more.
bool responseCommitted(ResponseState state);

// Why a timer ended the exchange early.
enum class Abandoned {
  kNo,
  kConnectBudget,    // no connection within the connect timeout
  kRouteDeadline,    // the route's timeout passed
  kTryTimeout,       // the retry policy's per-try timeout passed (the attempt may be retried)
  kClientStalled,    // the request body stopped moving: 408
  kUpstreamStalled,  // the response (or the upstream taking the request) stopped moving: 504
};

// What the request looked like when it arrived; fixed for the exchange.
struct RequestFacts {
  unsigned clientVersion = 11;
  bool clientKeepAlive = false;
  bool head = false;
  bool expectContinue = false;
  bool hadBody = false;
};

struct Exchange {
  using Clock = std::chrono::steady_clock;

  Exchange() { applyReadLimits(request); }

  RequestParser request;
  RequestFacts facts;
  RouteDecision route;
  Clock::time_point start = Clock::now();
  std::optional<Clock::time_point> deadline;
  // The current attempt's per-try timeout, until its response head arrives.
  std::optional<Clock::time_point> tryDeadline;

  std::unique_ptr<UpstreamConnection> upstream;
  std::optional<boost::beast::http::serializer<true, boost::beast::http::buffer_body>>
      requestWriter;
  std::optional<ResponseParser> response;
  std::optional<boost::beast::http::serializer<false, boost::beast::http::buffer_body>>
      responseWriter;

  BodyState requestBody = BodyState::kPending;
  ResponseState responseState = ResponseState::kNothing;
  Abandoned abandoned = Abandoned::kNo;
  MirrorCopy mirror;                       // what the drawn mirrors will be sent
  ReplayBody replay;                       // the body kept for another attempt
  // The rule's retry policy at work, or null: an attempt asks it whether to hold a response.
  Retries* retries = nullptr;
  boost::beast::error_code connectError;   // no connection could be made
  boost::beast::error_code upstreamError;  // the first failure on an established connection
  // Decided from the response header: whether each side may carry another exchange afterwards.
  bool upstreamKeepAlive = false;
  bool downstreamKeepAlive = false;
  unsigned status = 0;
};

inline bool bodyInFlight(BodyState state) {
  switch (state) {
    case BodyState::kPending:
    case BodyState::kReadingClient:
    case BodyState::kWritingUpstream:
      return true;
    case BodyState::kDone:
    case BodyState::kClientGone:
    case BodyState::kClientMalformed:
    case BodyState::kUpstreamFailed:
    case BodyState::kAbandoned:
      return false;
  }
  return false;
}

inline bool responseCommitted(ResponseState state) {
  switch (state) {
    case ResponseState::kNothing:
    case ResponseState::kPartial:
    case ResponseState::kHeaderReceived:
    case ResponseState::kHeldForRetry:
      return false;
    case ResponseState::kSending:
    case ResponseState::kDone:
    case ResponseState::kDownstreamFailed:
      return true;
  }
  return false;
}

}  // namespace mesh
