#pragma once

#include "ast/Ast.h"
#include "support/Diagnostics.h"

namespace meshc::sema {

// Runs every semantic check and reports all problems found. Returns true when the policy is valid,
// which is what lowering assumes (names resolve, weights total 100%, no rule is unreachable ...).
bool check(const ast::Policy& policy, Diagnostics& diagnostics);

// Lints over a valid policy, as warnings only: what is legal but almost certainly unintended
// across the whole policy (a subset nothing routes to, a service nothing uses). Separate from
// check() as clippy is from rustc: the driver runs both; tests of single checks need not declare
// a complete mesh.
void lint(const ast::Policy& policy, Diagnostics& diagnostics);

}  // namespace meshc::sema
