#pragma once

#include <string>
#include <vector>

#include "ast/Ast.h"
#include "ir/Policy.h"

namespace meshc::lower {

// Builds the Policy IR module of one workload: the services it may call (in the order it lists
// them), then its own. Requires a policy that passed sema::check.
ir::Module lowerWorkload(const ast::Policy& policy, const ast::Workload& workload,
                         const std::string& digest);

// One module per workload, in declaration order.
std::vector<ir::Module> lowerPolicy(const ast::Policy& policy, const std::string& digest);

}  // namespace meshc::lower
