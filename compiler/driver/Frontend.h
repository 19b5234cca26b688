#pragma once

#include <optional>
#include <string>

#include "ast/Ast.h"
#include "support/Diagnostics.h"
#include "support/SourceFile.h"

namespace meshc::driver {

// The result of reading, parsing and checking one policy file.
struct CheckedPolicy {
  SourceFile source;
  ast::Policy policy;
  Diagnostics diagnostics;
  std::string digest;  // "sha256:<hex>" of the normalised source
  bool parsed = false;   // no syntax errors: `policy` holds the whole tree
  bool checked = false;  // no errors at all: safe to lower
};

// Throws std::runtime_error when the file cannot be read; policy errors go to `diagnostics`.
CheckedPolicy loadPolicy(const std::string& path);

// Parses and checks a policy's text already in memory (what loadPolicy does after reading).
CheckedPolicy checkPolicy(SourceFile source);

}  // namespace meshc::driver
