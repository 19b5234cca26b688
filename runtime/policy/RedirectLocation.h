#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "mesh/abi.h"
#include "policy/PathRewrite.h"

namespace mesh {

// A redirect (abi.h mesh_redirect), decoded. Empty strings keep the request's part.
struct Redirect {
  std::string_view scheme;  // "http", "https" or ""
  std::string_view host;    // a host without port ("[v6]" in brackets), or ""
  PathRewrite path;
  uint32_t port = 0;  // 0: see redirectLocation
  unsigned status = 302;
};

// The port a scheme implies: 80 for "http", 443 for "https", else 0.
uint32_t defaultPort(std::string_view scheme);

// The Location of `redirect` for `request` (as the policy saw it), as abi.h states:
// - scheme: the redirect's, else the request's;
// - host: the redirect's, else the request's (lower-case, without port; an IPv6 host regains its
//   brackets);
// - port: the redirect's; without one, the new scheme's default when the scheme changes, else the
//   request's (none when the request named none). A port that is its scheme's default is left out;
// - path: the request's, changed by the redirect's PathRewrite; the query is kept as received.
// A request without a host (HTTP/1.0 may omit it) gets a relative Location, "/path?query", unless
// the redirect names a host.
std::string redirectLocation(const mesh_request& request, const Redirect& redirect);

}  // namespace mesh
