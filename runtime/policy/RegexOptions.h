#pragma once

// The one RE2 configuration for a policy's regexes, shared by the sidecar (RegexSet) and meshc's
// checks, so a pattern means the same thing to both. RE2 defaults otherwise: UTF-8, case-sensitive,
// '.' does not match '\n', Perl classes and word boundaries on.

#include <re2/re2.h>

namespace mesh {

inline re2::RE2::Options policyRegexOptions() {
  re2::RE2::Options options;
  options.set_log_errors(false);  // errors are reported with the pattern's location instead
  return options;
}

}  // namespace mesh
