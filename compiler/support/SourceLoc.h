#pragma once

#include <cstdint>
#include <string>

namespace meshc {

// A position in a policy file; 1-based line and column, as editors show them. Columns count
// characters (code points), not bytes, so they match what an editor shows on non-ASCII lines.
struct SourceLoc {
  std::string file;
  uint32_t line = 0;
  uint32_t column = 0;
  // How many characters the construct spans on its line (a token's length), so diagnostics can
  // underline all of it; 0 when unknown.
  uint32_t length = 0;
};

// "file:line:col": how locations appear in rule descriptors, test reports, explain traces and
// diffs (one format, so locations from the compiled module and from the AST compare equal).
inline std::string locationText(const SourceLoc& loc) {
  return loc.file + ":" + std::to_string(loc.line) + ":" + std::to_string(loc.column);
}

}  // namespace meshc
