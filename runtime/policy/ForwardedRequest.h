#pragma once

// What a rule changes in the request the sidecar forwards, with no Boost here: the sidecar applies
// it to the Beast message it sends upstream (http/UpstreamRequest), `meshc test` and `explain` to
// their model of that message, so a test's expectations of the upstream request and the wire
// agree by construction.

#include <string>
#include <string_view>

#include "policy/HeaderEditing.h"
#include "policy/RuleTable.h"
#include "request/HopByHop.h"
#include "request/RequestIdCheck.h"
#include "request/Via.h"

namespace mesh {

// The target the upstream receives: `target` (the policy's path, then '?' and the query as
// received) with its path rewritten by the rule, the query kept. Returns `target` itself when
// nothing changes (no copy), else a view of `storage`.
std::string_view rewrittenTarget(std::string_view target, const RuleSettings& rule,
                                 std::string& storage);

// The sidecar's own changes to the header fields of a request it forwards, before the rule's: no
// hop-by-hop fields, no Expect (the sidecar answers 100-continue itself), an x-request-id,
// `newRequestId()` (a string_view) when the request has no single usable one
// (request/RequestIdCheck.h), and this hop in Via for a request that came in as
// HTTP/`receivedVersion` (10, 11). `Fields` as for removeHopByHopFields(), plus set(name, value).
template <typename Fields, typename NewRequestId>
void applySidecarForwardedChanges(Fields& fields, NewRequestId newRequestId,
                                  unsigned receivedVersion) {
  removeHopByHopFields(fields);
  fields.erase("expect");
  size_t clientIds = 0;
  bool usable = false;
  fields.forEach([&](std::string_view name, std::string_view value) {
    if (!isRequestIdField(name)) return;
    ++clientIds;
    usable = isUsableRequestId(value);
  });
  // Two ids would leave the upstream to pick one, and its logs to disagree with the sidecar's.
  if (clientIds != 1 || !usable) fields.set("x-request-id", newRequestId());
  appendVia(fields, receivedVersion);
}

// The rule's own changes to the forwarded request's header fields, after the sidecar's (Host from
// an absolute-form target, applySidecarForwardedChanges()): a rewrite's Host, then the
// request header edits, which have the last word on every header the sidecar does not keep to
// itself. `Fields` as for applyHeaderEdits().
template <typename Fields>
void applyForwardedHeaderChanges(Fields& fields, const RuleSettings& rule) {
  if (rule.rewrite && !rule.rewrite->host.empty()) fields.set("host", rule.rewrite->host);
  applyHeaderEdits(fields, rule.requestHeaders);
}

}  // namespace mesh
