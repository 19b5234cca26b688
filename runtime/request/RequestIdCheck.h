#pragma once

// Whether a client's x-request-id may be trusted, with no Boost here: the sidecar and `meshc test`
// (policy/ForwardedRequest.h) decide it with this one implementation.

#include <cstddef>
#include <string_view>

#include "request/AsciiCase.h"

namespace mesh {

inline constexpr size_t kMaxRequestIdLength = 128;

// x-request-id, in any case.
inline bool isRequestIdField(std::string_view name) { return equalsNoCase(name, "x-request-id"); }

// Whether a client's request id is forwarded (and so logged and traced) as it is: 1 to
// kMaxRequestIdLength visible ASCII characters. Anything else is replaced with a fresh id: a
// control character could forge log lines, and a long or non-ASCII value breaks the logs and
// tracers that key on it.
inline bool isUsableRequestId(std::string_view value) {
  if (value.empty() || value.size() > kMaxRequestIdLength) return false;
  for (char c : value) {
    if (c < '!' || c > '~') return false;
  }
  return true;
}

}  // namespace mesh
