#pragma once

// What a rule takes from its route. A route's `timeout` and `retry` are the defaults of the rules
// that forward to backends and do not set their own; a rule's own setting replaces the route's
// whole. Sema and lowering read them here, so a check and the module agree on what applies.

#include "ast/Ast.h"

namespace meshc::sema {

// The rule sends requests to backends (a subset, a split or an experiment's variant), rather than
// having the sidecar answer them (a redirect or a direct response).
bool forwards(const ast::RouteRule& rule);

// The rule's own timeout (the short form's or its block's first), or null.
const ast::Duration* ownTimeout(const ast::RouteRule& rule);

// The rule's own retry block (the first), or null.
const ast::RetrySetting* ownRetry(const ast::RouteRule& rule);

// The timeout that bounds the rule's requests: its own, else the route's first when it forwards;
// null when none.
const ast::Duration* timeoutOf(const ast::Route& route, const ast::RouteRule& rule);

// The retry block that applies to the rule: its own, else the route's first when it forwards;
// null when none.
const ast::RetrySetting* retryOf(const ast::Route& route, const ast::RouteRule& rule);

}  // namespace meshc::sema
