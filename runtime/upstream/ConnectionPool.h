#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

#include "upstream/UpstreamConnection.h"

namespace mesh {

// Idle keep-alive connections of one worker, per endpoint id. Only its worker touches it.
class ConnectionPool {
 public:
  static constexpr size_t kMaxIdlePerEndpoint = 64;

  explicit ConnectionPool(uint32_t endpointCount) : idle_(endpointCount) {}

  // The most recently used idle connection that still looks alive, or null. Connections the
  // peer closed (or that carry unsolicited bytes) are discarded on the way.
  std::unique_ptr<UpstreamConnection> take(uint32_t endpointId);

  // Keeps a connection for reuse; closes it instead when the pool is full or closed.
  void give(uint32_t endpointId, std::unique_ptr<UpstreamConnection> connection);

  // Closes connections idle since before `cutoff`.
  void closeIdleSince(std::chrono::steady_clock::time_point cutoff);

  // Closes every idle connection and refuses new ones (drain).
  void close();

 private:
  std::vector<std::vector<std::unique_ptr<UpstreamConnection>>> idle_;
  bool closed_ = false;
};

}  // namespace mesh
