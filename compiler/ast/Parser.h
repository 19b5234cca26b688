#pragma once

#include <string>

#include "ast/Ast.h"
#include "support/Diagnostics.h"
#include "support/SourceFile.h"

namespace meshc::ast {

// Parses a policy file. Syntax errors (all of them) go to `diagnostics`; the returned tree holds
// what could be recognised and is meaningful only when no error was reported.
Policy parse(const SourceFile& source, Diagnostics& diagnostics);

// The file's tokens joined by single spaces: comments, layout and line endings do not change it,
// so its digest identifies the policy's meaning as written, not its formatting.
std::string normalizedSource(const SourceFile& source);

}  // namespace meshc::ast
