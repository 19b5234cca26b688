#pragma once

#include <openssl/x509.h>

#include <optional>
#include <string>
#include <string_view>

namespace mesh {

// The SPIFFE ID a certificate carries: its one URI SAN starting with "spiffe://" (an X.509 SVID
// has exactly one URI SAN). Nothing when it has none, or more than one, which the mesh's
// certificates never do and an impostor might.
std::optional<std::string> spiffeIdOf(X509* certificate);

// Whether `id` names a workload of `trustDomain`: "spiffe://<trustDomain>/..." with a path.
bool inTrustDomain(std::string_view id, std::string_view trustDomain);

}  // namespace mesh
