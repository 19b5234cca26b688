#pragma once

// ASCII case for the names HTTP compares without regard to case (field names, hosts, schemes).
// No locale: a request's bytes are not text in any user's language.

#include <cstddef>
#include <string_view>

namespace mesh {

inline char lowerAscii(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

inline bool equalsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (lowerAscii(a[i]) != lowerAscii(b[i])) return false;
  }
  return true;
}

}  // namespace mesh
