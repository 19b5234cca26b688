#pragma once

// The config structs of abi.h's actions, checked and decoded into plain values: views into the
// module's constant data (it lives as long as the process) with their lengths known, so the
// request path never measures a C string. Each decoder returns an empty string, or why the config
// is unusable; RuleTable's applyAction() says which kind it was.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "mesh/abi.h"
#include "policy/PathRewrite.h"
#include "policy/RedirectLocation.h"

namespace mesh {

// One header edit (abi.h mesh_header_edit): SET replaces every field of the name or adds one,
// ADD appends a field, REMOVE deletes every field of the name.
struct HeaderEdit {
  enum class Op { kSet, kAdd, kRemove };
  std::string_view name;  // lower-case, an HTTP token
  std::string_view value;
  Op op = Op::kSet;
};

// The sidecar answers the request itself (abi.h mesh_direct_response).
struct DirectResponse {
  unsigned status = 200;
  std::string_view body;  // sent as text/plain
};

// The upstream receives the request with its host and path changed (abi.h mesh_rewrite).
struct Rewrite {
  std::string_view host;  // the new Host header ("host" or "host:port"), "" keeps the request's
  PathRewrite path;
};

// A copy of the forwarded request goes to `cluster` for the requests its draw takes (abi.h
// mesh_mirror).
struct Mirror {
  uint32_t cluster = 0;  // index into the module's clusters
  uint32_t weight = 0;   // basis points of 10000
};

// Whether the mirror at `position` in its rule's list takes a copy of the request with `seed`:
// its own draw, independent of the split's and of the other mirrors' (abi.h MESH_DRAW_MIRROR).
inline bool mirrorTaken(uint64_t seed, uint32_t position, uint32_t weight) {
  return mesh_draw(seed, MESH_DRAW_MIRROR + position) % 10000 < weight;
}

// Whether `name` (lower-case) is one the sidecar keeps to itself, so that no header edit of a
// rule touches it: Host (a rewrite's host is the way to change it), the framing fields
// (content-length, transfer-encoding), the hop-by-hop fields (connection, keep-alive,
// proxy-connection, te, trailer, upgrade) and Expect (the sidecar answers 100-continue itself).
// meshc refuses edits of these names (E0322, with this same list); a module made by other means may
// still hold some, and editing them would let it desynchronise a connection (a body framed one way,
// sent another) or defeat hop-by-hop removal. Such edits are skipped, not refused: the rest of the
// rule's edits still apply.
bool isSidecarOwnedHeader(std::string_view name);

// Appends the edits to `out` (a rule may carry more than one list of a direction: they apply in
// order). Refuses unknown ops, null strings, names that are not lower-case HTTP tokens and values
// that could end the field (CR, LF) or hold other control characters.
std::string decodeHeaderEdits(const mesh_header_edits& config, std::vector<HeaderEdit>& out);

// Refuses a status outside 200-599, and a body on a 204 or 304, which HTTP forbids.
std::string decodeDirectResponse(const mesh_direct_response& config, DirectResponse& out);

// Refuses a status other than 301, 302, 303, 307 and 308, a scheme other than "", "http" and
// "https", a host that is not one (or carries a port: the port has a field of its own), a port
// above 65535, and a malformed path (decodePathRewrite).
std::string decodeRedirect(const mesh_redirect& config, Redirect& out);

// Refuses a host that is not an authority without user info, and a malformed path.
std::string decodeRewrite(const mesh_rewrite& config, Rewrite& out);

// Refuses an empty or null list, a weight outside 1-10000 and a cluster listed twice. Whether each
// cluster exists is the module's to say (checkModule).
std::string decodeMirrors(const mesh_mirrors& config, std::vector<Mirror>& out);

// Refuses an unknown kind, null strings where the kind reads them, a FULL value that is not a
// path, a PREFIX prefix other than the root ("" or "/") or a path without a trailing '/', and a
// PREFIX value that is neither empty nor a path. A path here is '/' and visible ASCII without '?'
// and '#': it goes into a request line or a Location as it is.
std::string decodePathRewrite(const mesh_path_rewrite& config, PathRewrite& out);

}  // namespace mesh
