#include "upstream/ConnectionPool.h"

#include <algorithm>
#include <boost/asio/error.hpp>

namespace mesh {

std::unique_ptr<UpstreamConnection> ConnectionPool::take(uint32_t endpointId) {
  auto& idle = idle_[endpointId];
  while (!idle.empty()) {
    std::unique_ptr<UpstreamConnection> connection = std::move(idle.back());
    idle.pop_back();
    if (!connection->stream.isOpen() || connection->buffer.size() != 0) continue;
    connection->watch->phase = IdleWatch::Phase::kTaken;
    connection->stream.cancel();
    connection->reused = true;
    return connection;
  }
  return nullptr;
}

void ConnectionPool::give(uint32_t endpointId, std::unique_ptr<UpstreamConnection> connection) {
  auto& idle = idle_[endpointId];
  if (closed_ || idle.size() >= kMaxIdlePerEndpoint) return;
  connection->idleSince = std::chrono::steady_clock::now();
  watch(endpointId, *connection);
  idle.push_back(std::move(connection));
}

void ConnectionPool::watch(uint32_t endpointId, UpstreamConnection& connection) {
  // The state of the previous stay is reused once its read's handler has run, so a connection
  // that goes back and forth costs no allocation per request.
  std::shared_ptr<IdleWatch>& watch = connection.watch;
  if (!watch || watch.use_count() > 1) {
    if (watch) watch->connection = nullptr;
    watch = std::make_shared<IdleWatch>();
  }
  watch->connection = &connection;
  watch->pool = this;
  watch->endpointId = endpointId;
  watch->phase = IdleWatch::Phase::kIdle;
  connection.stream.socket().async_wait(
      Stream::Socket::wait_read,
      [watch](const boost::system::error_code& ec) { onWatchEnded(*watch, ec); });
}

void ConnectionPool::onWatchEnded(IdleWatch& watch, const boost::system::error_code& ec) {
  if (!watch.connection) return;  // destroyed meanwhile
  switch (watch.phase) {
    case IdleWatch::Phase::kIdle:
      // The peer closed, failed or spoke out of turn while nobody was using the connection.
      watch.pool->drop(watch.endpointId, watch.connection);
      return;
    case IdleWatch::Phase::kTaken:
      // Normally the cancellation from take(). Anything else happened before it: what the read
      // got is not part of any response, so the connection cannot be trusted.
      if (ec != boost::asio::error::operation_aborted) watch.connection->stream.close();
      return;
  }
}

void ConnectionPool::drop(uint32_t endpointId, const UpstreamConnection* connection) {
  auto& idle = idle_[endpointId];
  const auto found =
      std::find_if(idle.begin(), idle.end(), [&](const auto& c) { return c.get() == connection; });
  if (found != idle.end()) idle.erase(found);
}

void ConnectionPool::closeIdleSince(std::chrono::steady_clock::time_point cutoff) {
  for (auto& idle : idle_) {
    // Oldest first in each list: the list is used as a stack.
    auto firstFresh = std::find_if(idle.begin(), idle.end(),
                                   [&](const auto& c) { return c->idleSince >= cutoff; });
    idle.erase(idle.begin(), firstFresh);
  }
}

void ConnectionPool::close() {
  closed_ = true;
  for (auto& idle : idle_) idle.clear();
}

}  // namespace mesh
