#pragma once

#include <string>

#include "ir/Policy.h"

namespace meshc::ir {

// A stable, human-readable dump of a module (`meshc compile --emit=ir`, golden tests).
std::string print(const Module& module);

}  // namespace meshc::ir
