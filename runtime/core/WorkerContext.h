#pragma once

#include "core/Prng.h"
#include "core/SessionList.h"
#include "core/SidecarState.h"
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
        pool(sidecar.clusters.endpointCount()),
        upstreams(sidecar.clusters, workerIndex) {}

  const unsigned index;
  const SidecarState& state;
  StatsShard& stats;
  ConnectionPool pool;
  UpstreamState upstreams;
  Prng prng;
  SessionList sessions;
};

}  // namespace mesh
