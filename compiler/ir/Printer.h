#pragma once

#include <string>

#include "ir/Policy.h"

namespace meshc::ir {

// A stable, human-readable dump of a module (`meshc compile --emit=ir`, golden tests).
std::string print(const Module& module);

// One condition as the IR dump writes it, e.g. `header "end-user" == "jason"`, in the policy
// language's words (the module holds the regexes' patterns).
std::string describe(const Module& module, const Predicate& predicate);

// An action as the IR dump writes it, e.g. `redirect 301 path "/new"` (the module names the
// clusters of a mirror).
std::string describe(const Module& module, const Action& action);

// A conjunction: its predicates joined by "and"; "always" when empty.
std::string describe(const Module& module, const Conjunction& conjunction);

}  // namespace meshc::ir
