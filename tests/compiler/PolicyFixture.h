#pragma once

// Shared by the front-end tests: run the parser and checker on a policy given as a string.

#include <string>

#include "ast/Parser.h"
#include "sema/Sema.h"
#include "support/Diagnostics.h"
#include "support/SourceFile.h"

namespace meshc::testing {

struct Compiled {
  SourceFile source;
  ast::Policy policy;
  Diagnostics diagnostics;
  bool hasTree = false;
  bool ok = false;

  std::string rendered() const { return diagnostics.render(source); }
  // Only the "line:col: severity[code]: message" lines in position order, notes after their
  // diagnostic.
  std::string summary() const {
    std::string out;
    for (const Diagnostic& d : diagnostics.sorted()) {
      const char* kind = d.severity == Severity::Error ? "error" : "warning";
      out += position(d.loc) + kind + "[" + std::string(codeId(d.code)) + "]: " + d.message + "\n";
      for (const Note& note : d.notes) out += position(note.loc) + "note: " + note.message + "\n";
    }
    return out;
  }

 private:
  static std::string position(const SourceLoc& loc) {
    return std::to_string(loc.line) + ":" + std::to_string(loc.column) + ": ";
  }
};

inline Compiled parseOnly(const std::string& text) {
  Compiled c{SourceFile("test.mesh", text), {}, {}, false, false};
  std::optional<ast::Policy> policy = ast::parse(c.source, c.diagnostics);
  c.hasTree = policy.has_value();
  if (c.hasTree) c.policy = std::move(*policy);
  c.ok = !c.diagnostics.hasErrors();
  return c;
}

// As the driver does: sema runs whenever there is a tree, also after literal errors.
inline Compiled check(const std::string& text) {
  Compiled c = parseOnly(text);
  if (c.hasTree) c.ok = sema::check(c.policy, c.diagnostics) && c.ok;
  return c;
}

// A valid policy header and one service, for tests that vary the rest.
inline const char* kMeshHeader = "mesh m { trust_domain \"m.local\"; }\n";

}  // namespace meshc::testing
