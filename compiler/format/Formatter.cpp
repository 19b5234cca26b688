#include "format/Formatter.h"

#include <algorithm>
#include <memory>
#include <vector>

#include "ast/Parser.h"
#include "support/Diagnostics.h"

namespace meshc::format {
namespace {

using ast::SourceToken;

constexpr size_t kColumns = 100;
constexpr std::string_view kIndent = "  ";

// A statement: its tokens up to `;`, or up to a block it opens. Comments inside a statement stay
// in `tokens`; a line comment there ends the line.
struct Item {
  enum class Kind { Statement, Comment };
  Kind kind = Kind::Statement;
  std::vector<const SourceToken*> tokens;
  std::vector<std::unique_ptr<Item>> block;  // the statements of the block it opens
  bool opensBlock = false;
  const SourceToken* trailing = nullptr;  // a comment after it on its last line
  bool blankBefore = false;
  uint32_t lastLine = 0;
};

using Items = std::vector<std::unique_ptr<Item>>;

class TreeBuilder {
 public:
  explicit TreeBuilder(const std::vector<SourceToken>& tokens) : tokens_(tokens) {}

  Items build() { return items(); }

 private:
  bool atEnd() const { return next_ >= tokens_.size(); }
  const SourceToken& peek() const { return tokens_[next_]; }
  bool isComment(const SourceToken& token) const { return token.kind != SourceToken::Kind::Code; }

  Items items() {
    Items out;
    uint32_t previousLine = 0;
    while (!atEnd() && peek().text != "}") {
      const SourceToken& token = peek();
      if (isComment(token) && !out.empty() && out.back()->kind == Item::Kind::Statement &&
          out.back()->trailing == nullptr && token.line == out.back()->lastLine) {
        out.back()->trailing = &token;
        previousLine = std::max(previousLine, token.endLine);
        ++next_;
        continue;
      }
      auto item = std::make_unique<Item>();
      item->blankBefore = previousLine != 0 && token.line > previousLine + 1;
      if (isComment(token)) {
        item->kind = Item::Kind::Comment;
        item->tokens.push_back(&token);
        item->lastLine = token.endLine;
        ++next_;
      } else {
        statement(*item);
      }
      previousLine = item->lastLine;
      out.push_back(std::move(item));
    }
    return out;
  }

  void statement(Item& item) {
    int inlineDepth = 0;  // `split { ... }` and `[ ... ]` stay inside the statement
    while (!atEnd()) {
      const SourceToken& token = tokens_[next_++];
      item.lastLine = token.endLine;
      if (token.text == "{" && inlineDepth == 0 && !opensInlineBraces(item)) {
        item.opensBlock = true;
        // Comments between the head and its `{` move into the block: a line comment left before
        // the brace would swallow it.
        std::vector<const SourceToken*> moved;
        while (!item.tokens.empty() && item.tokens.back()->kind != SourceToken::Kind::Code) {
          moved.insert(moved.begin(), item.tokens.back());
          item.tokens.pop_back();
        }
        item.block = items();
        for (auto it = moved.rbegin(); it != moved.rend(); ++it) {
          auto comment = std::make_unique<Item>();
          comment->kind = Item::Kind::Comment;
          comment->tokens.push_back(*it);
          comment->lastLine = (*it)->endLine;
          item.block.insert(item.block.begin(), std::move(comment));
        }
        if (!atEnd()) item.lastLine = tokens_[next_++].endLine;  // the closing `}`
        return;
      }
      item.tokens.push_back(&token);
      if (token.kind != SourceToken::Kind::Code) continue;
      if (token.text == "{" || token.text == "[") ++inlineDepth;
      if ((token.text == "}" || token.text == "]") && inlineDepth > 0) --inlineDepth;
      if (token.text == ";" && inlineDepth == 0) return;
    }
  }

  // `=> split {` and `expect split {` open a split inside their statement, not a block; `split`
  // elsewhere is a name (keywords are contextual: `service split {` opens a block).
  static bool opensInlineBraces(const Item& item) {
    std::vector<const std::string*> code;
    for (auto it = item.tokens.rbegin(); it != item.tokens.rend() && code.size() < 2; ++it) {
      if ((*it)->kind == SourceToken::Kind::Code) code.push_back(&(*it)->text);
    }
    return code.size() == 2 && *code[0] == "split" && (*code[1] == "=>" || *code[1] == "expect");
  }

  const std::vector<SourceToken>& tokens_;
  size_t next_ = 0;
};

// Brackets and the parentheses around a group of conditions hug what they enclose:
// `(path prefix "/a" and method GET) or ...`, as the docs write them.
bool noSpaceBefore(const std::string& text) {
  return text == ";" || text == "," || text == "." || text == "]" || text == ")";
}
bool noSpaceAfter(const std::string& text) { return text == "[" || text == "." || text == "("; }

class Printer {
 public:
  std::string run(const Items& items) {
    printItems(items, 0, true);
    return out_;
  }

 private:
  // Tokens of a statement on one line; a line comment inside it breaks the line, and so does a
  // clause (a request part, a condition after `and` or `or`, the `=>` of a rule) that would run
  // past the column limit: it goes on a line of its own, indented twice.
  std::string joined(const Item& item, size_t depth) {
    std::string line;
    size_t lineStart = 0;
    const size_t firstIndent = indent(depth).size();
    const SourceToken* previous = nullptr;
    for (size_t i = 0; i < item.tokens.size(); ++i) {
      const SourceToken* token = item.tokens[i];
      if (previous != nullptr) {
        const size_t column = line.size() - lineStart + (lineStart == 0 ? firstIndent : 0);
        if (previous->kind == SourceToken::Kind::LineComment) {
          line += "\n" + indent(depth + 2);
          lineStart = line.size() - indent(depth + 2).size();
        } else if (i > 1 && breaksBefore(item, i) && column + 1 + clauseWidth(item, i) > kColumns) {
          line += "\n" + indent(depth + 2);
          lineStart = line.size() - indent(depth + 2).size();
        } else if (!noSpaceBefore(token->text) && !noSpaceAfter(previous->text)) {
          line += ' ';
        }
      }
      line += token->text;
      previous = token;
    }
    return line;
  }

  static bool startsClause(const SourceToken& token) {
    return token.kind == SourceToken::Kind::Code &&
           (token.text == "header" || token.text == "principal" || token.text == "and" ||
            token.text == "or" || token.text == "=>");
  }

  // `and header ...` is one clause: a line may break before `and`, not after it.
  static bool breaksBefore(const Item& item, size_t i) {
    return startsClause(*item.tokens[i]) && !startsClause(*item.tokens[i - 1]);
  }

  // The width of the clause starting at token `first`, up to the next clause or the end.
  static size_t clauseWidth(const Item& item, size_t first) {
    size_t width = 0;
    for (size_t i = first; i < item.tokens.size(); ++i) {
      if (i > first && breaksBefore(item, i)) break;
      if (i > first && !noSpaceBefore(item.tokens[i]->text) &&
          !noSpaceAfter(item.tokens[i - 1]->text)) {
        ++width;
      }
      width += item.tokens[i]->text.size();
    }
    return width;
  }

  static std::string indent(size_t depth) {
    std::string text;
    for (size_t i = 0; i < depth; ++i) text += kIndent;
    return text;
  }

  // Short blocks of these statements read best on one line: `subset v1 { endpoints []; }`,
  // `retry { attempts 2; }`.
  static bool mayInline(const Item& item) {
    const std::string& head = item.tokens.empty() ? "" : item.tokens.front()->text;
    if (head != "mesh" && head != "subset" && head != "workload" && head != "retry") return false;
    for (const auto& inner : item.block) {
      if (inner->kind != Item::Kind::Statement || inner->opensBlock || inner->trailing)
        return false;
      for (const SourceToken* token : inner->tokens) {
        if (token->kind != SourceToken::Kind::Code) return false;
      }
    }
    return true;
  }

  std::string inlineBlock(const Item& item, size_t depth) {
    if (item.block.empty()) return " {}";
    std::string text = " {";
    for (const auto& inner : item.block) text += " " + joined(*inner, depth);
    return text + " }";
  }

  void printItems(const Items& items, size_t depth, bool topLevel) {
    bool previousWasBlock = false;
    for (size_t i = 0; i < items.size(); ++i) {
      const Item& item = *items[i];
      std::string line = indent(depth);
      if (item.kind == Item::Kind::Comment) {
        line += item.tokens.front()->text;
      } else {
        line += joined(item, depth);
      }
      bool multiLine = false;
      if (item.opensBlock) {
        const std::string oneLine = inlineBlock(item, depth);
        multiLine = !mayInline(item) || line.size() + oneLine.size() > kColumns ||
                    oneLine.find('\n') != std::string::npos;
        if (!multiLine) line += oneLine;
      }
      // A comment right above a block documents it: it stays attached.
      const bool documented = i > 0 && items[i - 1]->kind == Item::Kind::Comment;
      const bool blank = i > 0 && (item.blankBefore ||
                                   (topLevel && ((multiLine && !documented) || previousWasBlock)));
      if (blank) out_ += "\n";
      if (!multiLine) {
        out_ += line;
        if (item.trailing) out_ += "  " + item.trailing->text;
        out_ += "\n";
      } else {
        out_ += line + " {\n";
        printItems(item.block, depth + 1, false);
        out_ += indent(depth) + "}";
        if (item.trailing) out_ += "  " + item.trailing->text;
        out_ += "\n";
      }
      previousWasBlock = multiLine;
    }
  }

  std::string out_;
};

}  // namespace

std::optional<std::string> formatPolicy(const SourceFile& source) {
  Diagnostics diagnostics;
  if (!ast::parse(source, diagnostics) || diagnostics.hasErrors()) return std::nullopt;
  const std::vector<SourceToken> tokens = ast::sourceTokens(source);
  const Items items = TreeBuilder(tokens).build();
  return Printer().run(items);
}

}  // namespace meshc::format
