#pragma once

#include <boost/system/error_code.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

#include "upstream/UpstreamConnection.h"

namespace mesh {

// Idle keep-alive connections of one worker, per endpoint id. Only its worker touches it.
//
// Each idle connection waits for its socket to become readable: the end of stream, an error or
// bytes nobody asked for, after which it leaves the pool. Under mutual TLS the sidecars' servers
// send nothing unsolicited after the handshake (no session tickets, TlsCredentials), so there too
// readability means a close, an alert or garbage. A wait on the socket, unlike a read through a
// TLS stream, holds nothing of the stream: a connection can be destroyed with it pending (a TLS
// read's completion would touch the destroyed stream). take() cancels the wait; if it completed
// before the cancellation could stop it, its handler closes the connection, and the request on it
// fails as on any connection the peer closed (an idempotent one is retried on a fresh connection).
class ConnectionPool {
 public:
  static constexpr size_t kMaxIdlePerEndpoint = 64;

  explicit ConnectionPool(uint32_t endpointCount) : idle_(endpointCount) {}

  // Makes room for endpoint ids below `count` after a reload (lists are found by id on every
  // use, so moving them is safe).
  void grow(uint32_t count) {
    if (idle_.size() < count) idle_.resize(count);
  }

  // The most recently used idle connection, or null.
  std::unique_ptr<UpstreamConnection> take(uint32_t endpointId);

  // Keeps a connection for reuse; closes it instead when the pool is full or closed.
  void give(uint32_t endpointId, std::unique_ptr<UpstreamConnection> connection);

  // Closes connections idle since before `cutoff`.
  void closeIdleSince(std::chrono::steady_clock::time_point cutoff);

  // Closes every idle connection and refuses new ones (drain).
  void close();

  size_t idleCount(uint32_t endpointId) const { return idle_[endpointId].size(); }

 private:
  void watch(uint32_t endpointId, UpstreamConnection& connection);
  static void onWatchEnded(IdleWatch& watch, const boost::system::error_code& ec);
  void drop(uint32_t endpointId, const UpstreamConnection* connection);

  std::vector<std::vector<std::unique_ptr<UpstreamConnection>>> idle_;
  bool closed_ = false;
};

}  // namespace mesh
