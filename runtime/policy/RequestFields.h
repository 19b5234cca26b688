#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "mesh/abi.h"

namespace mesh {

inline std::string_view view(const mesh_str& s) { return {s.data, static_cast<size_t>(s.len)}; }

// The value of a request's header (`name` lower-case): the request model gives each name once, a
// repeated header's values joined with ",".
inline std::optional<std::string_view> headerValue(const mesh_request& request,
                                                   std::string_view name) {
  for (uint64_t i = 0; i < request.header_count; ++i) {
    if (view(request.headers[i].name) == name) return view(request.headers[i].value);
  }
  return std::nullopt;
}

}  // namespace mesh
