#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>
#include <functional>

#include "core/HostPort.h"
#include "mesh/abi.h"
#include "upstream/UpstreamConnection.h"

namespace mesh {

struct SidecarState;

// How a connection to an endpoint of a service is secured: mutual TLS with `credentials`, the
// upstream proving it is one of `service`'s principals; plaintext when `credentials` is null.
struct UpstreamSecurity {
  std::shared_ptr<const TlsCredentials> credentials;
  const mesh_service* service = nullptr;
};

// Mutual TLS when the service's callers use it (MtlsPlan.h) and the sidecar has credentials.
UpstreamSecurity upstreamSecurityFor(const SidecarState& state, uint32_t serviceIndex);

// Whether a pooled connection may carry a request that needs `security`: plaintext for
// plaintext, and under mutual TLS a peer that proved one of the service's principals.
bool suits(const UpstreamConnection& connection, const UpstreamSecurity& security);

// Connects `connection` to `address`: IP literals directly, names through the resolver, then the
// TLS handshake `security` asks for, counted in the connection's stats. The caller's timer can
// abort the connect or the handshake by closing the socket; a resolve cannot be aborted that way,
// so the connect is not started when `abandoned()` says the caller gave up meanwhile.
boost::asio::awaitable<boost::system::error_code> connectUpstream(
    UpstreamConnection& connection, const HostPort& address, const std::function<bool()>& abandoned,
    const UpstreamSecurity& security);

}  // namespace mesh
