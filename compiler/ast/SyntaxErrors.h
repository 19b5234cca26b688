#pragma once

// Internal to ast/ (it brings in ANTLR): turns ANTLR's syntax errors into our diagnostics.

#include <memory>
#include <string>

#include "antlr4-runtime.h"
#include "support/Diagnostics.h"
#include "support/SourceLoc.h"

namespace meshc::ast {

// A token's position: ANTLR counts columns in code points, as SourceLoc does; the length covers the
// token's first line.
SourceLoc locOf(const std::string& file, const antlr4::Token* token);

// Reports every syntax error of a parse into `diagnostics`, worded as the docs name things: a
// missing ';' at the end of its statement, keywords that are also names as "a name", features
// the language lacks yet named as such, '=' and '!=' where '==' belongs.
std::shared_ptr<antlr4::ANTLRErrorStrategy> makeSyntaxErrorStrategy(std::string file,
                                                                    Diagnostics& diagnostics);

}  // namespace meshc::ast
