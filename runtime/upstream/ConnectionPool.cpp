#include "upstream/ConnectionPool.h"

#include <sys/socket.h>

#include <algorithm>
#include <cerrno>

namespace mesh {
namespace {

// A pooled connection is usable only if the peer has neither closed it nor sent anything: a
// peek that would block is the one good answer. Cheaper than keeping a read pending on every
// idle connection, and it catches the common case (the server's idle timeout) before the request
// is written.
bool looksAlive(UpstreamConnection& connection) {
  if (!connection.stream.isOpen() || connection.buffer.size() != 0) return false;
  char byte;
  const ssize_t n = ::recv(connection.stream.socket().native_handle(), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
}

}  // namespace

std::unique_ptr<UpstreamConnection> ConnectionPool::take(uint32_t endpointId) {
  auto& idle = idle_[endpointId];
  while (!idle.empty()) {
    std::unique_ptr<UpstreamConnection> connection = std::move(idle.back());
    idle.pop_back();
    if (looksAlive(*connection)) {
      connection->reused = true;
      return connection;
    }
  }
  return nullptr;
}

void ConnectionPool::give(uint32_t endpointId, std::unique_ptr<UpstreamConnection> connection) {
  auto& idle = idle_[endpointId];
  if (closed_ || idle.size() >= kMaxIdlePerEndpoint) return;
  connection->idleSince = std::chrono::steady_clock::now();
  idle.push_back(std::move(connection));
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
