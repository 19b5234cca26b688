#pragma once

// The one RE2 configuration for a policy's regexes, shared by the sidecar (RegexSet) and meshc's
// checks, so a pattern means the same thing to both.
//
// Regexes match bytes (RE2's Latin-1 mode), not UTF-8 characters: a path or a header value may hold
// any byte, and in UTF-8 mode `.` does not match a byte that is not valid UTF-8, so a request could
// slip past `not header "accept" matches ".*image/webp.*"` with a stray \xff. A non-ASCII character
// written in a pattern still matches its own UTF-8 bytes; only `.` and classes count bytes. RE2's
// other defaults stay: case-sensitive, '.' does not match '\n'.

#include <re2/re2.h>

namespace mesh {

inline re2::RE2::Options policyRegexOptions() {
  re2::RE2::Options options;
  options.set_encoding(re2::RE2::Options::EncodingLatin1);
  options.set_log_errors(false);  // errors are reported with the pattern's location instead
  return options;
}

}  // namespace mesh
