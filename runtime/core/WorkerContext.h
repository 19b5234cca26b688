#pragma once

#include <memory>

#include "core/LogThrottle.h"
#include "core/Prng.h"
#include "core/SessionList.h"
#include "core/SidecarState.h"
#include "http/MirrorBudget.h"
#include "observability/StatsShard.h"
#include "upstream/ConnectionPool.h"
#include "upstream/UpstreamState.h"

namespace mesh {

// The state one worker thread owns. Nothing here is shared with another worker, which is why
// the request path needs no locks (the stats shard is read by the admin thread, lock-free).
struct WorkerContext {
  WorkerContext(unsigned workerIndex, const SidecarState& sidecar, StatsShard& shard)
      : index(workerIndex),
        state(sidecar),
        stats(shard),
        clusters(std::make_shared<const ClusterTable>(*sidecar.clusters())),
        pool(clusters->endpointCount()),
        upstreams(*clusters, workerIndex) {}

  // Switches to a reloaded table; on this worker's thread, between events. Exchanges in flight
  // keep the table they were routed with. Each worker has its own copy, so the reference count
  // every route decision takes is never shared with another core.
  void adopt(std::shared_ptr<const ClusterTable> table) {
    clusters = std::move(table);
    pool.grow(clusters->endpointCount());
    upstreams.grow(clusters->endpointCount());
  }

  const unsigned index;
  const SidecarState& state;
  StatsShard& stats;
  std::shared_ptr<const ClusterTable> clusters;  // this worker's own copy: what it routes with
  ConnectionPool pool;
  UpstreamState upstreams;
  Prng prng;
  SessionList sessions;
  MirrorBudget mirrorBudget;  // what mirrored requests in flight may hold
  SessionList mirrors;        // mirrored requests in flight, which a drain cuts off
  // Refused mutual TLS connections can come many times a second (a misconfigured caller): each
  // is counted, the log says so every 10 s.
  LogThrottle tlsRefusalLog{std::chrono::seconds(10)};
};

}  // namespace mesh
