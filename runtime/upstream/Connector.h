#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>
#include <functional>

#include "core/HostPort.h"
#include "mesh/abi.h"
#include "upstream/UpstreamConnection.h"

namespace mesh {

struct SidecarState;

// How a connection to an endpoint of a service is secured: mutual TLS, the upstream proving it is
// one of `mutualTls`'s principals; plaintext when `mutualTls` is null.
struct UpstreamSecurity {
  const mesh_service* mutualTls = nullptr;
};

// Mutual TLS when the service's callers use it (MtlsPlan.h) and the sidecar has credentials.
// Taken per request, so it takes no lock: whether there are credentials is fixed at start-up.
UpstreamSecurity upstreamSecurityFor(const SidecarState& state, uint32_t serviceIndex);

// Whether a pooled connection may carry a request that needs `security`: plaintext for
// plaintext, and under mutual TLS a peer that proved one of the service's principals.
bool suits(const UpstreamConnection& connection, const UpstreamSecurity& security);

// Connects `connection` to `address`: IP literals directly, names through the resolver, then the
// TLS handshake `security` asks for, with the sidecar's latest credentials, counted in the
// connection's stats. The caller's timer can abort the connect or the handshake by closing the
// socket; a resolve cannot be aborted that way, so the connect is not started when `abandoned()`
// says the caller gave up meanwhile.
boost::asio::awaitable<boost::system::error_code> connectUpstream(
    UpstreamConnection& connection, const HostPort& address, const std::function<bool()>& abandoned,
    const UpstreamSecurity& security, const SidecarState& state);

}  // namespace mesh
