// A rule is unreachable when every request it matches is taken by an earlier rule (first match
// wins), or when its own conditions contradict each other. Conditions are conjunctions of atoms, so
// rule B is shadowed by an earlier rule A when each atom of A is implied by some atom of B. The
// test is sound (it never flags a reachable rule) and covers the common mistakes: a broad prefix
// before a narrow one, a duplicated rule, anything after `otherwise`.

#include <algorithm>
#include <stdexcept>

#include "sema/Checks.h"
#include "support/Overloaded.h"
#include "support/Text.h"

namespace meshc::sema {
namespace {

enum class Field { Path, Method, Header };
enum class Test { Exact, Prefix, Present };

struct Atom {
  Field field;
  Test test;
  std::string header;  // lower-case; Header only
  std::string value;
  SourceLoc loc;

  std::string describe() const {
    const char* op = test == Test::Exact ? " == " : test == Test::Prefix ? " prefix " : "";
    switch (field) {
      case Field::Path:
        return "path" + std::string(op) + "\"" + value + "\"";
      case Field::Method:
        return "method " + value;
      case Field::Header:
        return "header \"" + header + "\"" +
               (test == Test::Present ? " present" : std::string(op) + "\"" + value + "\"");
    }
    return "";
  }
};

Test pathTest(ast::PathMatch::Kind kind) {
  switch (kind) {
    case ast::PathMatch::Kind::Exact:
      return Test::Exact;
    case ast::PathMatch::Kind::Prefix:
      return Test::Prefix;
  }
  throw std::logic_error("unknown path match kind");
}

Test headerTest(ast::HeaderMatch::Kind kind) {
  switch (kind) {
    case ast::HeaderMatch::Kind::Equals:
      return Test::Exact;
    case ast::HeaderMatch::Kind::Prefix:
      return Test::Prefix;
    case ast::HeaderMatch::Kind::Present:
      return Test::Present;
  }
  throw std::logic_error("unknown header match kind");
}

Atom toAtom(const ast::Condition& condition) {
  return std::visit(
      Overloaded{
          [&](const ast::PathMatch& path) -> Atom {
            return {Field::Path, pathTest(path.kind), "", path.value.value, condition.loc};
          },
          [&](const ast::MethodMatch& method) -> Atom {
            return {Field::Method, Test::Exact, "", method.method.name, condition.loc};
          },
          [&](const ast::HeaderMatch& header) -> Atom {
            return {Field::Header, headerTest(header.kind), toLowerAscii(header.name.value),
                    header.value.value, condition.loc};
          },
      },
      condition.match);
}

bool sameSubject(const Atom& a, const Atom& b) {
  return a.field == b.field && (a.field != Field::Header || a.header == b.header);
}

bool startsWith(const std::string& text, const std::string& prefix) {
  return text.compare(0, prefix.size(), prefix) == 0;
}

// Every request satisfying `a` satisfies `b`.
bool implies(const Atom& a, const Atom& b) {
  if (!sameSubject(a, b)) return false;
  switch (b.test) {
    case Test::Present:
      return true;
    case Test::Exact:
      return a.test == Test::Exact && a.value == b.value;
    case Test::Prefix:
      return a.test != Test::Present && startsWith(a.value, b.value);
  }
  return false;
}

// No request satisfies both.
bool contradicts(const Atom& a, const Atom& b) {
  if (!sameSubject(a, b) || a.test == Test::Present || b.test == Test::Present) return false;
  if (a.test == Test::Exact && b.test == Test::Exact) return a.value != b.value;
  if (a.test == Test::Exact) return !startsWith(a.value, b.value);
  if (b.test == Test::Exact) return !startsWith(b.value, a.value);
  return !startsWith(a.value, b.value) && !startsWith(b.value, a.value);
}

bool shadows(const std::vector<Atom>& earlier, const std::vector<Atom>& later) {
  return std::all_of(earlier.begin(), earlier.end(), [&](const Atom& needed) {
    return std::any_of(later.begin(), later.end(),
                       [&](const Atom& held) { return implies(held, needed); });
  });
}

void checkRoute(const ast::Route& route, Diagnostics& diagnostics) {
  std::vector<std::vector<Atom>> rules;
  std::vector<bool> satisfiable;
  for (const ast::RouteRule& rule : route.rules) {
    std::vector<Atom> atoms;
    for (const ast::Condition& condition : rule.conditions) atoms.push_back(toAtom(condition));
    bool possible = true;
    for (size_t i = 0; i < atoms.size() && possible; ++i) {
      for (size_t j = i + 1; j < atoms.size() && possible; ++j) {
        if (!contradicts(atoms[i], atoms[j])) continue;
        diagnostics.error(DiagnosticCode::ContradictoryConditions, atoms[j].loc,
                          "rule can never match: '" + atoms[j].describe() + "' contradicts '" +
                              atoms[i].describe() + "'");
        diagnostics.note(atoms[i].loc, "the contradicting condition is here");
        possible = false;
      }
    }
    for (size_t j = 0; j < atoms.size() && possible; ++j) {
      // Condition j is redundant when another implies it; of two equal ones the later is.
      for (size_t i = 0; i < atoms.size(); ++i) {
        if (i == j || !implies(atoms[i], atoms[j])) continue;
        const bool equal = implies(atoms[j], atoms[i]);
        if (equal && i > j) continue;
        diagnostics.warning(DiagnosticCode::RedundantCondition, atoms[j].loc,
                            equal ? "condition '" + atoms[j].describe() + "' is repeated"
                                  : "condition '" + atoms[j].describe() + "' is redundant: '" +
                                        atoms[i].describe() + "' already implies it");
        diagnostics.note(atoms[i].loc,
                         equal ? "the first is here" : "the stronger condition is here");
        break;
      }
    }
    const size_t index = rules.size();
    for (size_t earlier = 0; earlier < index && possible; ++earlier) {
      if (!satisfiable[earlier] || !shadows(rules[earlier], atoms)) continue;
      const ast::RouteRule& shadowing = route.rules[earlier];
      if (shadowing.otherwise) {
        diagnostics.error(DiagnosticCode::RuleAfterOtherwise, rule.loc,
                          "rule can never match: it comes after 'otherwise', which matches every "
                          "request");
      } else {
        diagnostics.error(DiagnosticCode::ShadowedRule, rule.loc,
                          "rule can never match: every request it matches is taken by an earlier "
                          "rule (rules are tried in order)");
      }
      diagnostics.note(shadowing.loc, "the earlier rule is here");
      break;
    }
    rules.push_back(std::move(atoms));
    satisfiable.push_back(possible);
  }
}

}  // namespace

void checkReachability(const ast::Policy& policy, Diagnostics& diagnostics) {
  for (const ast::Service& service : policy.services) {
    for (const ast::Route& route : service.routes) checkRoute(route, diagnostics);
  }
}

}  // namespace meshc::sema
