#pragma once

// What a rule changes in the request the sidecar forwards, with no Boost here: the sidecar applies
// it to the Beast message it sends upstream (http/UpstreamRequest), `meshc test` and `explain` to
// their model of that message, so a test's expectations of the upstream request and the wire
// agree by construction.

#include <string>
#include <string_view>

#include "policy/HeaderEditing.h"
#include "policy/RuleTable.h"

namespace mesh {

// The target the upstream receives: `target` (the policy's path, then '?' and the query as
// received) with its path rewritten by the rule, the query kept. Returns `target` itself when
// nothing changes (no copy), else a view of `storage`.
std::string_view rewrittenTarget(std::string_view target, const RuleSettings& rule,
                                 std::string& storage);

// The rule's own changes to the forwarded request's header fields, after the sidecar's (Host from
// an absolute-form target, hop-by-hop fields gone, a request id): a rewrite's Host, then the
// request header edits, which have the last word on every header the sidecar does not keep to
// itself. `Fields` as for applyHeaderEdits().
template <typename Fields>
void applyForwardedHeaderChanges(Fields& fields, const RuleSettings& rule) {
  if (rule.rewrite && !rule.rewrite->host.empty()) fields.set("host", rule.rewrite->host);
  applyHeaderEdits(fields, rule.requestHeaders);
}

}  // namespace mesh
