#pragma once

#include <boost/beast/http/fields.hpp>
#include <span>
#include <string_view>

#include "policy/ActionConfigs.h"

namespace mesh {

// Applies `edits` to `fields` in order: SET replaces every field of the name (or adds one), ADD
// appends a field, REMOVE deletes every field of the name. Edits of sidecar-owned names are
// skipped.
void applyHeaderEdits(boost::beast::http::fields& fields, std::span<const HeaderEdit> edits);

}  // namespace mesh
