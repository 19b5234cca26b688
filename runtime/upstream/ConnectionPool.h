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
// Liveness does not peek at the socket (under TLS the peer sends session tickets after the
// handshake, which a peek would take for unsolicited bytes). Instead each idle connection keeps
// one read pending through its stream: if it completes (end of stream, an error, or bytes nobody
// asked for) the connection leaves the pool. take() cancels that read; if the read completed
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
