#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace mesh {

// The parts of a request-target (RFC 9112 3.2). All views point into the target.
struct TargetParts {
  std::string_view authority;  // only for absolute-form ("http://host:port/path")
  std::string_view path;       // up to, not including, '?'; "/" for an absolute-form without one
  std::string_view query;      // after '?', empty when absent
  bool absoluteForm = false;
};

TargetParts splitRequestTarget(std::string_view target);

// An authority ("host", "host:port", "[v6]:port") split into host and port. The host keeps its
// case (the caller lower-cases it into its own storage), loses IPv6 brackets, user info and one
// trailing dot (a fully qualified "reviews." names the same service as "reviews").
struct AuthorityParts {
  std::string_view host;
  uint32_t port = 0;  // 0 when absent
};

// Returns nullopt for an authority no client should send: bad characters or a bad port.
std::optional<AuthorityParts> splitAuthority(std::string_view authority);

}  // namespace mesh
