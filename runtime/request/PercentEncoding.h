#pragma once

// Percent-encoding (RFC 3986 §2.1), shared by path normalisation and query parsing.

#include <string>
#include <string_view>

namespace mesh {

// The value of a hex digit of either case, or -1.
inline int hexDigitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Appends `text` to `out` with every valid escape decoded; an invalid one ("%zz", a '%' too near
// the end) is kept as it is, and '+' stays '+' (a space only in HTML forms, not in URIs).
inline void appendPercentDecoded(std::string_view text, std::string& out) {
  for (size_t i = 0; i < text.size(); ++i) {
    const int high = text[i] == '%' && i + 2 < text.size() ? hexDigitValue(text[i + 1]) : -1;
    const int low = high < 0 ? -1 : hexDigitValue(text[i + 2]);
    if (low < 0) {
      out.push_back(text[i]);
    } else {
      out.push_back(static_cast<char>(high * 16 + low));
      i += 2;
    }
  }
}

}  // namespace mesh
