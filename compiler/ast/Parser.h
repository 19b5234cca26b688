#pragma once

#include <optional>
#include <string>
#include <vector>

#include "ast/Ast.h"
#include "support/Diagnostics.h"
#include "support/SourceFile.h"

namespace meshc::ast {

// Parses a policy file; every error goes to `diagnostics`. Returns no tree when the file has
// syntax errors. With only literal errors (a number too large, a bad escape) the tree is complete,
// the offending literals are marked `malformed`, and the checker can still report the rest.
std::optional<Policy> parse(const SourceFile& source, Diagnostics& diagnostics);

// The file's tokens joined by single spaces: comments, layout and line endings do not change it,
// so its digest identifies the policy's meaning as written, not its formatting.
std::string normalizedSource(const SourceFile& source);

// A token of a policy file as the formatter sees it: comments included, whitespace not.
struct SourceToken {
  enum class Kind { Code, LineComment, BlockComment };
  Kind kind = Kind::Code;
  std::string text;
  uint32_t line = 0;     // 1-based, of the first character
  uint32_t endLine = 0;  // of the last character (block comments and strings may span lines)
};

// The file's tokens in order. Empty when the file is not valid UTF-8.
std::vector<SourceToken> sourceTokens(const SourceFile& source);

// Every keyword of the language. Keywords are contextual: each is also a valid name.
std::vector<std::string> keywords();

}  // namespace meshc::ast
