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

// A retry reason as the policy language names it: "5xx", "gateway_error", ...
std::string describe(RetryReason reason);

// What a retry policy retries, as `on` lists it: its reasons, then its statuses, e.g.
// "gateway_error, 429".
std::string retryConditions(const RetryPolicy& retry);

// A conjunction: its predicates joined by "and"; "always" when empty.
std::string describe(const Module& module, const Conjunction& conjunction);

}  // namespace meshc::ir
