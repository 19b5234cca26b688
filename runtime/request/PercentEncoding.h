#pragma once

// Percent-encoding (RFC 3986 §2.1).

namespace mesh {

// The value of a hex digit of either case, or -1.
inline int hexDigitValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace mesh
