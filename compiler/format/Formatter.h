#pragma once

#include <optional>
#include <string>

#include "support/SourceFile.h"

namespace meshc::format {

// The canonical layout of a policy (`meshc fmt`): two-space indentation, one statement per line,
// single spaces between tokens, block braces at line ends, short `mesh`, `subset` and `workload`
// blocks on one line when they fit in 100 columns, comments kept where they were (trailing or on
// their own line), at most one blank line kept between statements and one forced around every
// multi-line top-level block. Only whitespace changes, so the policy digest stays the same.
// Idempotent: formatting formatted text changes nothing.
//
// Returns nothing when the file does not parse: syntax errors are reported by `meshc check`.
std::optional<std::string> formatPolicy(const SourceFile& source);

}  // namespace meshc::format
