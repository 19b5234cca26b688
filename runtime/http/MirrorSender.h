#pragma once

// Sending mirrored requests: fire and forget, on the worker's own event loop. Internal to the
// data path.

#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

#include "http/MirrorCopy.h"

namespace mesh {

struct WorkerContext;

// The longest a mirrored request may take, from its dispatch to the last byte of its response.
inline constexpr std::chrono::milliseconds kMaxMirrorTime{10'000};

// A mirrored request's own time limit: the rule's timeout (0: none), at most kMaxMirrorTime, so
// that a mirror that never answers holds its copy and connection for a bounded time.
std::chrono::milliseconds mirrorTimeout(uint64_t ruleTimeoutMs);

// Once the client's request is whole: sends the copy being made, if any, to an endpoint of each
// drawn cluster (the balancer's pick, over a pooled or a new connection), each on a coroutine of
// its own on `executor`, and returns at once: nothing of the client's exchange waits for a
// mirror. Each response is read to its end and discarded; each mirror counts as sent when
// dispatched, then as succeeded or failed, in the worker's stats.
void dispatchMirrors(MirrorCopy& copy, WorkerContext& worker,
                     const boost::asio::any_io_executor& executor, uint64_t ruleTimeoutMs);

}  // namespace mesh
