#include "ast/SyntaxErrors.h"

#include <algorithm>
#include <stdexcept>

#include "MeshLexer.h"
#include "MeshParser.h"
#include "support/Utf8.h"

namespace meshc::ast {

using antlr4::Token;

SourceLoc locOf(const std::string& file, const Token* token) {
  if (token == nullptr) return {file, 0, 0};
  const std::string text = token->getType() == Token::EOF ? "" : token->getText();
  const std::string_view firstLine = std::string_view(text).substr(0, text.find('\n'));
  return {file, static_cast<uint32_t>(token->getLine()),
          static_cast<uint32_t>(token->getCharPositionInLine() + 1),
          static_cast<uint32_t>(codePointCount(firstLine))};
}

namespace {

// How a token kind is named in "expected ..." messages.
std::string describeTokenType(const antlr4::dfa::Vocabulary& vocabulary, size_t type) {
  switch (type) {
    case Token::EOF:
      return "end of file";
    case MeshLexer::ID:
      return "a name";
    case MeshLexer::STRING:
      return "a string";
    case MeshLexer::INT:
      return "an integer";
    case MeshLexer::DURATION:
      return "a duration (e.g. 2s, 500ms)";
    case MeshLexer::PERCENT:
      return "a percentage (e.g. 10%)";
    case MeshLexer::STATUS_CLASS:
      return "'5xx'";
    default:
      return vocabulary.getLiteralName(type);
  }
}

std::string describeToken(const Token* token) {
  if (token == nullptr || token->getType() == Token::EOF) return "end of file";
  const std::string text = token->getText();
  switch (token->getType()) {
    case MeshLexer::UNTERMINATED_STRING:
      return "unterminated string " + text;
    case MeshLexer::UNKNOWN_CHAR:
      return "character '" + text + "'";
    case MeshLexer::STRING:
      return "string " + text;
    default:
      return "'" + text + "'";
  }
}

// Keywords are names too (the grammar's `name` rule): where a name may come, listing every keyword
// as an alternative would bury the message, so they are all "a name".
std::string describeExpected(antlr4::Parser* parser) {
  const antlr4::dfa::Vocabulary& vocabulary = parser->getVocabulary();
  antlr4::misc::IntervalSet expected = parser->getExpectedTokens();
  if (expected.contains(static_cast<ssize_t>(MeshLexer::ID))) {
    const antlr4::atn::ATN& atn = parser->getATN();
    antlr4::misc::IntervalSet keywords = atn.nextTokens(atn.ruleToStartState[MeshParser::RuleName]);
    keywords.remove(static_cast<ssize_t>(MeshLexer::ID));
    expected = expected.subtract(keywords);
  }
  std::vector<std::string> names;
  for (size_t type : expected.toList()) names.push_back(describeTokenType(vocabulary, type));
  if (names.empty()) return "";
  if (names.size() == 1) return names[0];
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? " or " : ", ";
    out += names[i];
  }
  return names.size() == 2 ? out : "one of " + out;
}

// Words users bring from Istio, Envoy and Gateway API for features the language does not have yet:
// naming the feature beats a list of expected tokens. Empty when the word is not one of them.
std::string_view plannedFeature(std::string_view word) {
  static constexpr std::pair<std::string_view, std::string_view> kPlanned[] = {
      {"circuit_breaker", "circuit breakers"},
      {"outlier_detection", "outlier detection"},
      {"load_balancer", "load balancers"},
      {"fault", "fault injection rules"},
      {"tls", "TLS settings"},
      {"authorize", "authorization policies"},
      {"allow", "authorization policies"},
      {"deny", "authorization policies"},
      {"jwt", "JWT rules"},
      {"rate_limit", "rate limits"},
      {"import", "imports"},
  };
  for (const auto& [name, feature] : kPlanned) {
    if (word == name) return feature;
  }
  return {};
}

// Rewords ANTLR's reports ("mismatched input 'x' expecting {...}") into ours, naming token kinds
// the way the language reference does.
class MeshErrorStrategy : public antlr4::DefaultErrorStrategy {
 public:
  MeshErrorStrategy(std::string file, Diagnostics& diagnostics)
      : file_(std::move(file)), diagnostics_(diagnostics) {}

 protected:
  void reportNoViableAlternative(antlr4::Parser* parser,
                                 const antlr4::NoViableAltException& e) override {
    reportUnexpected(parser, e.getOffendingToken());
  }
  void reportInputMismatch(antlr4::Parser* parser,
                           const antlr4::InputMismatchException& e) override {
    reportUnexpected(parser, e.getOffendingToken());
  }
  void reportFailedPredicate(antlr4::Parser* parser,
                             const antlr4::FailedPredicateException& e) override {
    reportUnexpected(parser, e.getOffendingToken());
  }
  void reportUnwantedToken(antlr4::Parser* parser) override {
    if (inErrorRecoveryMode(parser)) return;
    beginErrorCondition(parser);
    reportUnexpected(parser, parser->getCurrentToken());
  }
  void reportMissingToken(antlr4::Parser* parser) override {
    if (inErrorRecoveryMode(parser)) return;
    beginErrorCondition(parser);
    reportUnexpected(parser, parser->getCurrentToken());
  }

 private:
  // When the offending token starts a new line, the mistake is usually at the end of the previous
  // one (a forgotten ';'): say what was expected there, as clang does. Not when the previous line
  // ended a statement or block, nor when the new line starts with a name or an unterminated string:
  // then that is the mistake (an unknown setting). Otherwise point at the offending token itself.
  void reportUnexpected(antlr4::Parser* parser, const Token* token) {
    if (reportSpecific(parser, token)) return;
    const std::string expected = describeExpected(parser);
    const Token* previous = previousToken(parser, token);
    if (previous != nullptr && token != nullptr && token->getLine() > previous->getLine() &&
        !expected.empty() && !endsStatement(previous) && token->getType() != MeshLexer::ID &&
        token->getType() != MeshLexer::UNTERMINATED_STRING) {
      SourceLoc loc = locOf(file_, previous);
      loc.column += loc.length;
      loc.length = 0;
      diagnostics_.error(DiagnosticCode::ExpectedToken, loc, "expected " + expected);
      return;
    }
    std::string message = "unexpected " + describeToken(token);
    if (!expected.empty()) message += "; expected " + expected;
    const bool unterminated =
        token != nullptr && token->getType() == MeshLexer::UNTERMINATED_STRING;
    diagnostics_.error(
        unterminated ? DiagnosticCode::UnterminatedString : DiagnosticCode::UnexpectedToken,
        locOf(file_, token), message);
  }

  // Mistakes that deserve their own message rather than a list of valid tokens; true when
  // reported.
  bool reportSpecific(antlr4::Parser* parser, const Token* token) {
    if (token == nullptr) return false;
    SourceLoc at = locOf(file_, token);
    const std::string text = token->getText();
    if (token->getType() == MeshLexer::UNTERMINATED_BLOCK_COMMENT) {
      at.length = 2;
      diagnostics_.error(DiagnosticCode::UnterminatedBlockComment, at,
                         "unterminated block comment; a '/*' comment ends with '*/'");
      return true;
    }
    // `5xx` lexes as a status class, so it is no MALFORMED_DURATION; where a duration belongs it
    // is just as much a malformed one.
    const bool malformedDuration = token->getType() == MeshLexer::MALFORMED_DURATION ||
                                   token->getType() == MeshLexer::STATUS_CLASS;
    if (malformedDuration &&
        parser->getExpectedTokens().contains(static_cast<size_t>(MeshLexer::DURATION))) {
      diagnostics_.error(DiagnosticCode::MalformedDuration, at,
                         "'" + text +
                             "' is not a duration; a duration is an integer followed by ms, s, m "
                             "or h (e.g. 500ms, 2s)");
      return true;
    }
    if (const std::string_view planned = plannedFeature(text); !planned.empty()) {
      at.length = static_cast<uint32_t>(text.size());
      diagnostics_.error(DiagnosticCode::UnsupportedFeature, at,
                         "'" + text + "' is not supported yet: " + std::string(planned) +
                             " are planned; see docs/language.md for what a policy can say today");
      return true;
    }
    if (!inComparison(parser, token)) return false;
    if (text == "=") {
      diagnostics_.error(DiagnosticCode::UnsupportedOperator, at,
                         "unexpected '='; did you mean '=='?");
      return true;
    }
    if (text == "!" && followedByEquals(token)) {
      at.length = 2;
      diagnostics_.error(DiagnosticCode::UnsupportedOperator, at,
                         "'!=' is not supported; negate the whole condition instead, as in "
                         "'not path == \"/health\"'");
      return true;
    }
    return false;
  }

  // Right after `path` or a header's name, where a condition's operator belongs.
  static bool inComparison(antlr4::Parser* parser, const Token* token) {
    const Token* previous = previousToken(parser, token);
    return previous != nullptr &&
           (previous->getText() == "path" || previous->getType() == MeshLexer::STRING);
  }

  // The parser may not have read past `token` yet: look at the characters instead.
  static bool followedByEquals(const Token* token) {
    antlr4::CharStream* input = token->getInputStream();
    const auto next = static_cast<ssize_t>(token->getStopIndex() + 1);
    return input != nullptr && static_cast<size_t>(next) < input->size() &&
           input->getText(antlr4::misc::Interval(next, next)) == "=";
  }

  static bool endsStatement(const Token* token) {
    const std::string text = token->getText();
    return text == ";" || text == "}";
  }

  // The previous token the parser saw: comments (hidden channel) are skipped.
  static const Token* previousToken(antlr4::Parser* parser, const Token* token) {
    if (token == nullptr) return nullptr;
    for (size_t index = token->getTokenIndex(); index-- > 0;) {
      const Token* previous = parser->getTokenStream()->get(index);
      if (previous->getChannel() == Token::DEFAULT_CHANNEL) return previous;
    }
    return nullptr;
  }

  std::string file_;
  Diagnostics& diagnostics_;
};

}  // namespace

std::shared_ptr<antlr4::ANTLRErrorStrategy> makeSyntaxErrorStrategy(std::string file,
                                                                    Diagnostics& diagnostics) {
  return std::make_shared<MeshErrorStrategy>(std::move(file), diagnostics);
}

}  // namespace meshc::ast
