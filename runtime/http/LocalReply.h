#pragma once

// The responses the sidecar gives itself (4xx and 5xx), each with a plain-text reason that names
// what went wrong. Internal to the runtime (brings in Asio).

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <string>
#include <string_view>
#include <utility>

#include "http/Exchange.h"
#include "http/Stream.h"

namespace mesh {

class Router;

struct LocalReply {
  unsigned status = 0;
  std::string message;  // the body: one line ending in '\n'
};

// The reply for a request whose header could not be read (400, or 431 when too large).
LocalReply badRequestHeader(const boost::beast::error_code& ec);

// The reply for a request that reached no response from its upstream, from why the exchange
// ended: a timer, a malformed body, a failed connect or a failed upstream.
LocalReply describeFailure(const Exchange& exchange, const Router& router,
                           std::chrono::milliseconds streamIdleTimeout);

// Writes `reply` in the client's HTTP version; `clusterTag`, when not empty, goes out as
// x-mesh-upstream-cluster. Returns whether it went out, and whether the connection may carry
// another request.
boost::asio::awaitable<std::pair<bool, bool>> writeLocalReply(Stream& stream,
                                                              const RequestFacts& facts,
                                                              const LocalReply& reply,
                                                              std::string_view clusterTag,
                                                              bool keepAlive);

}  // namespace mesh
