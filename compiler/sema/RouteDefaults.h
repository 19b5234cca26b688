#pragma once

// What a rule takes from its route. A route's `timeout` is the default of the rules that forward
// to backends and do not set their own. Sema and lowering read it here, so a check and the module
// agree on what applies.

#include "ast/Ast.h"

namespace meshc::sema {

// The rule sends requests to backends (a subset, a split or an experiment's variant), rather than
// having the sidecar answer them (a redirect or a direct response).
bool forwards(const ast::RouteRule& rule);

// The rule's own timeout (the short form's or its block's first), or null.
const ast::Duration* ownTimeout(const ast::RouteRule& rule);

// The timeout that bounds the rule's requests: its own, else the route's first when it forwards;
// null when none.
const ast::Duration* timeoutOf(const ast::Route& route, const ast::RouteRule& rule);

}  // namespace meshc::sema
