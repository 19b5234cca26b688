#pragma once

// Which connections of a sidecar use mutual TLS, from its policy module alone. No I/O.

#include <optional>
#include <string>

#include "mesh/abi.h"
#include "tls/MtlsMode.h"

namespace mesh {

// Whether callers reach `service` over mutual TLS, given credentials to do it with: its mode is
// not DISABLE and its endpoints are sidecars (the policy names the workloads that serve it).
bool originatesMutualTls(const mesh_service& service);

// What the inbound listener of the module's workload accepts; kDisable when it serves no service.
MtlsMode inboundMode(const mesh_module& module);

// Why the module cannot run without credentials, or nothing: a STRICT service that it serves or
// calls. Without credentials, PERMISSIVE ones are served and called in plaintext.
std::optional<std::string> credentialsRequirement(const mesh_module& module);

}  // namespace mesh
