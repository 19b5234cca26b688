#pragma once

#include <cstdint>
#include <string_view>

#include "request/RequestProblem.h"

namespace mesh {

// The parts of a request-target (RFC 9112 §3.2). All views point into the target.
struct TargetParts {
  std::string_view authority;  // only for absolute-form ("http://host:port/path")
  // Up to, not including, '?': "/..." for origin-form and absolute-form ("/" when an
  // absolute-form has none), or "*" for OPTIONS (asterisk-form).
  std::string_view path;
  std::string_view query;  // after '?', empty when absent
  bool hasQuery = false;   // a '?' was there, even with nothing after it
  bool absoluteForm = false;
};

// Splits a request-target, or says why a server must refuse it: a fragment, an absolute-form
// without a host, or a form other than origin, absolute, or asterisk with OPTIONS (a proxy is not
// a CONNECT tunnel, so authority-form is refused too). An absolute-form OPTIONS without a path
// asks about the server as a whole, as "*" does (RFC 9112 §3.2.4).
RequestProblem splitRequestTarget(std::string_view method, std::string_view target,
                                  TargetParts& parts);

// An authority ("host", "host:port", "[v6]:port") split into host and port. The host keeps its
// case (the caller lower-cases it into its own storage), loses IPv6 brackets and one trailing dot
// (a fully qualified "reviews." names the same service as "reviews").
struct AuthorityParts {
  std::string_view host;
  uint32_t port = 0;  // 0 when absent
};

// Fills `parts`, or says why no client should send the authority: user info (RFC 9110 §4.2.4
// asks to treat it as an error: "http://reviews@evil" names the host "evil"), bad characters or a
// bad port.
RequestProblem splitAuthority(std::string_view authority, AuthorityParts& parts);

}  // namespace mesh
