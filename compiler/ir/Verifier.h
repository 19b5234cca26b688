#pragma once

#include <string>
#include <vector>

#include "ir/Policy.h"

namespace meshc::ir {

// Checks the invariants every later stage relies on (indices in range, split weights totalling
// kWeightTotal, lower-case header names ...). Lowering a checked policy always yields a valid
// module, so a problem here is a compiler bug: the driver reports it as an internal error. Returns
// one line per broken invariant; empty when the module is valid.
std::vector<std::string> verify(const Module& module);

}  // namespace meshc::ir
