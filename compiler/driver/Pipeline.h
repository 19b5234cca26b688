#pragma once

#include <vector>

#include "driver/Frontend.h"
#include "ir/Policy.h"

namespace meshc::driver {

// Lowers a checked policy into one IR module per workload and runs the IR verifier on each.
// Throws std::logic_error (an internal error) when the verifier finds a broken invariant.
std::vector<ir::Module> lowerAndVerify(const CheckedPolicy& checked);

}  // namespace meshc::driver
