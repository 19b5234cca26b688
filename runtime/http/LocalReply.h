#pragma once

// The responses the sidecar gives itself: its own 4xx and 5xx, each with a plain-text reason that
// names what went wrong, and the answers of rules that answer themselves (redirects, direct
// responses). Internal to the runtime (brings in Asio).

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "http/Exchange.h"
#include "http/Stream.h"
#include "policy/ActionConfigs.h"
#include "policy/Cors.h"

namespace mesh {

class Router;

struct LocalReply {
  LocalReply(unsigned code, std::string body, std::string redirectTo = {})
      : status(code), message(std::move(body)), location(std::move(redirectTo)) {}

  unsigned status = 0;
  // The body, plain text: for the sidecar's own replies one line ending in '\n'; a direct
  // response's body as the policy gives it; empty for a redirect.
  std::string message;
  std::string location;  // a redirect's Location, else empty
};

// What the deciding rule adds to every response to its requests: CORS fields, then its response
// header edits (which leave framing alone).
struct RuleResponseFields {
  std::span<const ResponseField> cors;
  std::span<const HeaderEdit> edits;
};

// The response for `reply`, in the client's HTTP version: text/plain when it has a body,
// `clusterTag` (when not empty) as x-mesh-upstream-cluster, the Location, framing, then the rule's
// fields. A HEAD request's reply keeps its Content-Length but loses its body.
boost::beast::http::response<boost::beast::http::string_body> makeLocalResponse(
    const RequestFacts& facts, const LocalReply& reply, std::string_view clusterTag,
    const RuleResponseFields& rule, bool keepAlive);

// The reply for a request whose header could not be read (400, or 431 when too large).
LocalReply badRequestHeader(const boost::beast::error_code& ec);

// The reply for a request that reached no response from its upstream, from why the exchange
// ended: a timer, a malformed body, a failed connect or a failed upstream.
LocalReply describeFailure(const Exchange& exchange, const Router& router,
                           std::chrono::milliseconds streamIdleTimeout);

// Writes the response makeLocalResponse() makes. Returns whether it went out, and whether the
// connection may carry another request.
boost::asio::awaitable<std::pair<bool, bool>> writeLocalReply(
    Stream& stream, const RequestFacts& facts, const LocalReply& reply, std::string_view clusterTag,
    RuleResponseFields rule, bool keepAlive);

}  // namespace mesh
