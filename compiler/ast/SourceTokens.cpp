// The token stream of a policy, outside parsing: for the digest, the formatter and the keyword
// list.

#include <algorithm>

#include "MeshLexer.h"
#include "MeshParser.h"
#include "antlr4-runtime.h"
#include "ast/Parser.h"
#include "support/Utf8.h"

namespace meshc::ast {

using antlr4::Token;

std::string normalizedSource(const SourceFile& source) {
  if (firstInvalidUtf8(source.text()) != std::string::npos) return source.text();
  antlr4::ANTLRInputStream input(source.text());
  MeshLexer lexer(&input);
  lexer.removeErrorListeners();
  std::string normalized;
  for (auto token = lexer.nextToken(); token->getType() != Token::EOF; token = lexer.nextToken()) {
    if (token->getChannel() != Token::DEFAULT_CHANNEL) continue;  // comments
    if (!normalized.empty()) normalized += ' ';
    normalized += token->getText();
  }
  return normalized;
}

std::vector<SourceToken> sourceTokens(const SourceFile& source) {
  if (firstInvalidUtf8(source.text()) != std::string::npos) return {};
  antlr4::ANTLRInputStream input(source.text());
  MeshLexer lexer(&input);
  lexer.removeErrorListeners();
  std::vector<SourceToken> tokens;
  for (auto token = lexer.nextToken(); token->getType() != Token::EOF; token = lexer.nextToken()) {
    SourceToken out;
    switch (token->getType()) {
      case MeshLexer::LINE_COMMENT:
        out.kind = SourceToken::Kind::LineComment;
        break;
      case MeshLexer::BLOCK_COMMENT:
        out.kind = SourceToken::Kind::BlockComment;
        break;
      default:
        out.kind = SourceToken::Kind::Code;
    }
    out.text = token->getText();
    out.line = static_cast<uint32_t>(token->getLine());
    out.endLine =
        out.line + static_cast<uint32_t>(std::count(out.text.begin(), out.text.end(), '\n'));
    tokens.push_back(std::move(out));
  }
  return tokens;
}

std::vector<std::string> keywords() {
  antlr4::ANTLRInputStream input("");
  MeshLexer lexer(&input);
  antlr4::CommonTokenStream tokens(&lexer);
  MeshParser parser(&tokens);
  const antlr4::atn::ATN& atn = parser.getATN();
  std::vector<std::string> words;
  for (size_t type : atn.nextTokens(atn.ruleToStartState[MeshParser::RuleName]).toList()) {
    if (type == MeshLexer::ID) continue;
    std::string literal = parser.getVocabulary().getLiteralName(type);
    words.push_back(literal.substr(1, literal.size() - 2));  // without the quotes
  }
  return words;
}

}  // namespace meshc::ast
