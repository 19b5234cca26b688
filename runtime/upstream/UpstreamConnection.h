#pragma once

#include <boost/beast/core/flat_buffer.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "http/ReadLimits.h"
#include "http/Stream.h"
#include "observability/StatsShard.h"
#include "tls/TlsCredentials.h"

namespace mesh {

class ConnectionPool;
class UpstreamConnection;

// The wait a pooled connection keeps pending while it is idle (see ConnectionPool). Shared with
// that wait's completion handler, which may run after the connection was taken or destroyed.
struct IdleWatch {
  enum class Phase { kIdle, kTaken };
  UpstreamConnection* connection = nullptr;  // null once the connection is destroyed
  ConnectionPool* pool = nullptr;
  uint32_t endpointId = 0;
  Phase phase = Phase::kIdle;
};

// One connection to an upstream endpoint, with the read buffer that belongs to it (bytes the
// response parser read ahead stay with the connection, not with the request).
class UpstreamConnection {
 public:
  UpstreamConnection(const boost::asio::any_io_executor& executor, StatsShard& stats)
      : stream(executor), buffer(kMaxReadBufferBytes), stats_(stats) {}
  ~UpstreamConnection() {
    if (watch) watch->connection = nullptr;
    if (counted_) stats_.connectionClosed();
  }
  UpstreamConnection(const UpstreamConnection&) = delete;
  UpstreamConnection& operator=(const UpstreamConnection&) = delete;

  // Counts the connection in meshc_upstream_connections_active until it is destroyed.
  void markConnected() {
    if (!counted_) stats_.connectionOpened();
    counted_ = true;
  }

  StatsShard& stats() { return stats_; }

  // Under mutual TLS, what the session was made from: declared before the stream, which must not
  // outlive it.
  std::shared_ptr<const TlsCredentials> credentials;
  // The SPIFFE ID the upstream proved under mutual TLS; empty on plaintext. The pool is per
  // endpoint address, which more than one service may share (or a reload move to another): a
  // pooled connection serves only a request that needs exactly this (Connector.h suits()).
  std::string peerPrincipal;
  Stream stream;
  boost::beast::flat_buffer buffer;
  bool reused = false;  // taken from the pool: the peer may have closed it meanwhile
  std::chrono::steady_clock::time_point idleSince;
  std::shared_ptr<IdleWatch> watch;  // of the latest stay in the pool

 private:
  StatsShard& stats_;
  bool counted_ = false;
};

}  // namespace mesh
