#pragma once

#include <string>

#include "ir/Policy.h"

namespace meshc::ir {

// A stable, human-readable dump of a module (`meshc compile --emit=ir`, golden tests).
std::string print(const Module& module);

// One condition as the IR dump writes it, e.g. `header "end-user" == "jason"`.
std::string describe(const Predicate& predicate);

}  // namespace meshc::ir
