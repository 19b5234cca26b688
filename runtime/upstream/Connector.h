#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>
#include <functional>

#include "core/HostPort.h"
#include "upstream/UpstreamConnection.h"

namespace mesh {

// Connects `connection` to `address`: IP literals directly, names through the resolver. The
// caller's timer can abort the connect by closing the socket; a resolve cannot be aborted that
// way, so the connect is not started when `abandoned()` says the caller gave up meanwhile.
boost::asio::awaitable<boost::system::error_code> connectUpstream(
    UpstreamConnection& connection, const HostPort& address,
    const std::function<bool()>& abandoned);

}  // namespace mesh
