#pragma once

// One attempt to carry an exchange over an upstream connection. Internal to the runtime (brings
// in Asio and Beast).

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <memory>

#include "http/ConnectionTimers.h"
#include "http/Exchange.h"
#include "http/ReadLimits.h"
#include "http/Stream.h"
#include "upstream/UpstreamState.h"

namespace mesh {

class ConnectionPool;
class Router;
struct WorkerContext;

// The two fixed buffers bodies move through, allocated on a connection's first body.
class BodyBuffers {
 public:
  char* request() { return pieces(); }
  char* response() { return pieces() + kBodyPieceBytes; }

 private:
  char* pieces() {
    if (!pieces_) pieces_ = std::make_unique<char[]>(2 * kBodyPieceBytes);
    return pieces_.get();
  }
  std::unique_ptr<char[]> pieces_;
};

// The client's side of the exchange, as an attempt relays to it.
struct Downstream {
  Stream& stream;
  boost::beast::flat_buffer& buffer;
  BodyBuffers& bodies;
};

// Takes a pooled connection or connects a new one, writes the request header, then streams the
// request body up and the response down at the same time. Every outcome is left in the Exchange.
class UpstreamAttempt {
 public:
  // The exchange counts as an active request of its endpoint while this lives (and of its
  // cluster while the exchange lives: clusterStateOf).
  UpstreamAttempt(Exchange& exchange, Downstream downstream, WorkerContext& worker,
                  const Router& router, ConnectionTimers& timers);

  // Leaves exchange.upstream null when no connection could be made (see connectError).
  boost::asio::awaitable<void> connect(bool allowPooled);
  boost::asio::awaitable<void> run();

 private:
  boost::asio::awaitable<void> pumpRequestBody();
  // On a retry: sends the body an earlier attempt kept (ReplayBody). False when the write failed.
  boost::asio::awaitable<bool> writeReplayedBody();
  boost::asio::awaitable<void> relayResponse();
  boost::asio::awaitable<void> relayResponseBody();
  boost::asio::awaitable<bool> writeResponseHeader();
  boost::asio::awaitable<bool> writeResponsePiece(char* data, size_t size);

  Exchange& exchange_;
  Downstream downstream_;
  WorkerContext& worker_;
  const Router& router_;
  ConnectionTimers& timers_;
  ActiveRequest active_;
};

// The cluster whose active requests an exchange counts in: none for the local application,
// which the inbound listener reaches under the local service's cluster without being one of its
// endpoints.
ClusterState* clusterStateOf(const RouteDecision& route, WorkerContext& worker);

// After an attempt: returns the connection to the pool if it can carry another exchange.
void releaseUpstream(Exchange& exchange, ConnectionPool& pool);

}  // namespace mesh
