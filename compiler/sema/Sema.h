#pragma once

#include "ast/Ast.h"
#include "support/Diagnostics.h"

namespace meshc::sema {

// Runs every semantic check and reports all problems found. Returns true when the policy is valid,
// which is what lowering assumes (names resolve, weights total 100%, no rule is unreachable ...).
bool check(const ast::Policy& policy, Diagnostics& diagnostics);

}  // namespace meshc::sema
