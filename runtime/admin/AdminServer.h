#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <memory>
#include <vector>

#include "core/SidecarState.h"
#include "observability/PrometheusText.h"
#include "observability/StatsShard.h"

namespace mesh {

// What the admin endpoints report on. The shards belong to the workers; the admin thread only
// reads them.
struct AdminSources {
  const SidecarState& state;
  std::vector<const StatsShard*> shards;
  MetricLabels labels;
};

// GET /ready, /stats (Prometheus text) and /config (JSON) on a small HTTP/1.1 server that runs on
// the caller's io_context (one thread, off the request path).
class AdminServer {
 public:
  // Binds at once, so the port is known before the ready file is written. Throws
  // boost::system::system_error.
  AdminServer(boost::asio::io_context& context, const boost::asio::ip::tcp::endpoint& endpoint,
              AdminSources sources);
  ~AdminServer();

  uint16_t port() const;
  void start();

 private:
  struct Impl;
  std::shared_ptr<Impl> impl_;
};

}  // namespace mesh
