#pragma once

#include <string>

#include "ast/Ast.h"

namespace meshc::ast {

// An indented dump of the tree with line:col of every node (`meshc compile --emit=ast`).
std::string print(const Policy& policy);

}  // namespace meshc::ast
