#pragma once

#include <boost/beast/http/fields.hpp>
#include <span>
#include <string_view>

#include "policy/ActionConfigs.h"

namespace mesh {

// Whether `name` (lower-case) is one the sidecar keeps to itself, so that no header edit of a
// rule touches it: Host (a rewrite's host is the way to change it), the framing fields
// (content-length, transfer-encoding), the hop-by-hop fields (connection, keep-alive,
// proxy-connection, te, trailer, upgrade) and Expect (the sidecar answers 100-continue itself).
// meshc refuses edits of these names; a module made by other means may still hold some, and
// editing them would let it desynchronise a connection (a body framed one way, sent another) or
// defeat hop-by-hop removal. Such edits are skipped, not refused: the rest of the rule's edits
// still apply.
bool isSidecarOwnedHeader(std::string_view name);

// Applies `edits` to `fields` in order: SET replaces every field of the name (or adds one), ADD
// appends a field, REMOVE deletes every field of the name. Edits of sidecar-owned names are
// skipped.
void applyHeaderEdits(boost::beast::http::fields& fields, std::span<const HeaderEdit> edits);

}  // namespace mesh
