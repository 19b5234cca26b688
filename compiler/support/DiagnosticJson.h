#pragma once

#include <string>

#include "support/Diagnostics.h"

namespace meshc {

// One JSON document for tools and editors, in position order:
// {"diagnostics":[{"severity","code","message","file","line","column","end_line","end_column",
//  "notes":[{"message","file","line","column","end_line","end_column"}]}],"errors":N,"warnings":N}
// Keys always come in this order. end_column is exclusive; when the extent is unknown the end
// equals the start.
std::string toJson(const Diagnostics& diagnostics);

}  // namespace meshc
