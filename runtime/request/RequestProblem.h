#pragma once

#include <string_view>

namespace mesh {

// Why the request model refuses a request. Each is a request no well-behaved client sends and
// whose meaning a policy could not be sure of, so the sidecar answers 400 before any policy runs
// (meshc test and explain predict the same 400).
enum class RequestProblem {
  kNone,
  kMalformedAuthority,  // bad characters or port in the Host header or absolute-form authority
  kDuplicateHost,       // more than one Host header (RFC 9112 §3.2)
  kUserInfo,            // "user@" in the authority: deprecated, and a way to disguise a host
  kFragment,            // '#' in the target: clients never send fragments (RFC 9112 §3.2)
  kTargetForm,          // neither "/path", "http(s)://authority/path", nor "*" for OPTIONS
  kEncodedSlash,        // %2F or %5C in the path while the mesh rejects encoded slashes
};

// A phrase for the 400's body, e.g. "fragment (\"#...\") in the request target".
std::string_view describe(RequestProblem problem);

}  // namespace mesh
