#pragma once

// Whether a client's x-request-id may be trusted, with no Boost here: the sidecar and `meshc test`
// (policy/ForwardedRequest.h) decide it with this one implementation.

#include <cstddef>
#include <string_view>

namespace mesh {

inline constexpr size_t kMaxRequestIdLength = 128;

// x-request-id, in any case.
inline bool isRequestIdField(std::string_view name) {
  static constexpr std::string_view kName = "x-request-id";
  if (name.size() != kName.size()) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if ((c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c) != kName[i]) return false;
  }
  return true;
}

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
