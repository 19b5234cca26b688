// A rule is unreachable when every request it matches is taken by an earlier rule (first match
// wins), or when its conditions contradict each other. A rule is a disjunction of groups, a group a
// conjunction of literals (a condition, possibly negated), so group B is shadowed by an earlier
// group A when each literal of A is implied by some literal of B. Every test here is sound: it
// never reports a group that can still match. It is complete for the common mistakes: a broad
// prefix before a narrow one, a duplicated rule, anything after `otherwise`, `==` against a
// value the same group's regex or prefix rules out.

#include <algorithm>
#include <map>
#include <memory>
#include <stdexcept>

#include "policy/RegexOptions.h"
#include "sema/Checks.h"
#include "support/Overloaded.h"
#include "support/Text.h"

namespace meshc::sema {
namespace {

// Source conditions are atoms like any other: for one calling workload their subject has one
// value, as a request's header does.
enum class Subject {
  Path,
  Method,
  Header,
  Query,
  Port,
  SourceWorkload,
  SourceLabel,
  SourcePrincipal
};
// The tests as the sidecar runs them: a path `prefix` is SegmentPrefix (its trailing '/' dropped),
// a path `starts_with` and a header or query `prefix` are Prefix, `absent` is a negated Present.
enum class Test { Equals, Prefix, SegmentPrefix, Suffix, Regex, Present };

struct Atom {
  Subject subject;
  std::string name;  // the header (lower-case), query parameter or label; empty otherwise
  Test test;
  std::string value;
  bool negated = false;
  std::string text;  // as written, for messages
  SourceLoc loc;
};

bool endsWith(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool startsWith(const std::string& text, const std::string& prefix) {
  return text.compare(0, prefix.size(), prefix) == 0;
}

// Whether a path under segment prefix `a` is always under segment prefix `b`.
bool segmentImplies(const std::string& a, const std::string& b) {
  return b.empty() || a == b || startsWith(a, b + "/");
}

std::string stripTrailingSlashes(std::string path) {
  while (!path.empty() && path.back() == '/') path.pop_back();
  return path;
}

Test testOf(ast::StringTest test, Subject subject) {
  switch (test) {
    case ast::StringTest::Equals:
      return Test::Equals;
    case ast::StringTest::Prefix:
      return subject == Subject::Path ? Test::SegmentPrefix : Test::Prefix;
    case ast::StringTest::StartsWith:
      return Test::Prefix;
    case ast::StringTest::Suffix:
      return Test::Suffix;
    case ast::StringTest::Matches:
      return Test::Regex;
    case ast::StringTest::Present:
    case ast::StringTest::Absent:
      return Test::Present;
  }
  throw std::logic_error("unknown string test");
}

std::string compared(ast::StringTest test, const ast::StringLiteral& value) {
  const bool unary = test == ast::StringTest::Present || test == ast::StringTest::Absent;
  return ast::spelling(test) + (unary ? "" : " " + quoted(value.value));
}

Atom toAtom(const ast::Condition& condition) {
  Atom atom = std::visit(
      Overloaded{
          [&](const ast::PathMatch& path) -> Atom {
            const Test test = testOf(path.test, Subject::Path);
            return {Subject::Path,
                    "",
                    test,
                    test == Test::SegmentPrefix ? stripTrailingSlashes(path.value.value)
                                                : path.value.value,
                    false,
                    "path " + compared(path.test, path.value),
                    condition.loc};
          },
          [&](const ast::MethodMatch& method) -> Atom {
            return {Subject::Method,    "",    Test::Equals,
                    method.method.name, false, "method " + method.method.name,
                    condition.loc};
          },
          [&](const ast::HeaderMatch& header) -> Atom {
            return {
                Subject::Header,
                toLowerAscii(header.name.value),
                testOf(header.test, Subject::Header),
                header.value.value,
                header.test == ast::StringTest::Absent,
                "header " + quoted(header.name.value) + " " + compared(header.test, header.value),
                condition.loc};
          },
          [&](const ast::QueryMatch& query) -> Atom {
            return {Subject::Query,
                    query.name.value,
                    testOf(query.test, Subject::Query),
                    query.value.value,
                    query.test == ast::StringTest::Absent,
                    "query " + quoted(query.name.value) + " " + compared(query.test, query.value),
                    condition.loc};
          },
          [&](const ast::PortMatch& port) -> Atom {
            const std::string number = std::to_string(port.number);
            return {Subject::Port,    "",           Test::Equals, number, false,
                    "port " + number, condition.loc};
          },
          [&](const ast::SourceWorkloadMatch& source) -> Atom {
            return {Subject::SourceWorkload,
                    "",
                    Test::Equals,
                    source.workload.name,
                    false,
                    "source workload " + source.workload.name,
                    condition.loc};
          },
          [&](const ast::SourceLabelMatch& label) -> Atom {
            return {Subject::SourceLabel,
                    label.name.value,
                    testOf(label.test, Subject::SourceLabel),
                    label.value.value,
                    label.test == ast::StringTest::Absent,
                    "source label " + quoted(label.name.value) + " " +
                        compared(label.test, label.value),
                    condition.loc};
          },
          [&](const ast::SourcePrincipalMatch& principal) -> Atom {
            return {Subject::SourcePrincipal,
                    "",
                    testOf(principal.test, Subject::SourcePrincipal),
                    principal.value.value,
                    principal.test == ast::StringTest::Absent,
                    "source principal " + compared(principal.test, principal.value),
                    condition.loc};
          },
      },
      condition.match);
  if (condition.negated) {
    atom.negated = !atom.negated;
    atom.text = "not " + atom.text;
  }
  return atom;
}

class Implications {
 public:
  // Every request satisfying `a` satisfies `b`.
  bool implies(const Atom& a, const Atom& b) {
    if (a.subject != b.subject || a.name != b.name) return false;
    if (!a.negated && !b.negated) return positiveImplies(a, b);
    if (!a.negated) return disjoint(a, b);
    if (b.negated) return positiveImplies(b, a);  // the contrapositive
    return false;
  }

  // No request satisfies both.
  bool contradicts(const Atom& a, const Atom& b) {
    Atom notB = b;
    notB.negated = !b.negated;
    return implies(a, notB);
  }

 private:
  // As if neither were negated.
  bool positiveImplies(const Atom& a, const Atom& b) {
    if (b.test == Test::Present) return true;
    switch (a.test) {
      case Test::Equals:
        return holds(b, a.value);
      case Test::Prefix:
        return (b.test == Test::Prefix && startsWith(a.value, b.value)) ||
               (b.test == Test::SegmentPrefix &&
                (b.value.empty() || startsWith(a.value, b.value + "/")));
      case Test::SegmentPrefix:
        return (b.test == Test::SegmentPrefix && segmentImplies(a.value, b.value)) ||
               (b.test == Test::Prefix && startsWith(a.value, b.value));
      case Test::Suffix:
        return b.test == Test::Suffix && endsWith(a.value, b.value);
      case Test::Regex:
        return b.test == Test::Regex && a.value == b.value;
      case Test::Present:
        return false;
    }
    throw std::logic_error("unknown test");
  }

  // As if neither were negated: no value passes both tests.
  bool disjoint(const Atom& a, const Atom& b) {
    if (a.test == Test::Present || b.test == Test::Present) return false;
    if (a.test == Test::Equals) return !holds(b, a.value);
    if (b.test == Test::Equals) return !holds(a, b.value);
    auto prefixAndSegment = [](const std::string& prefix, const std::string& segment) {
      if (!startsWith(prefix, segment)) return !startsWith(segment, prefix);
      return !segment.empty() && prefix.size() > segment.size() && prefix[segment.size()] != '/';
    };
    if (a.test == Test::Prefix && b.test == Test::Prefix) {
      return !startsWith(a.value, b.value) && !startsWith(b.value, a.value);
    }
    if (a.test == Test::Suffix && b.test == Test::Suffix) {
      return !endsWith(a.value, b.value) && !endsWith(b.value, a.value);
    }
    if (a.test == Test::SegmentPrefix && b.test == Test::SegmentPrefix) {
      return !segmentImplies(a.value, b.value) && !segmentImplies(b.value, a.value);
    }
    if (a.test == Test::Prefix && b.test == Test::SegmentPrefix) {
      return prefixAndSegment(a.value, b.value);
    }
    if (a.test == Test::SegmentPrefix && b.test == Test::Prefix) {
      return prefixAndSegment(b.value, a.value);
    }
    return false;
  }

  // Whether the value `value` passes `atom`'s test (ignoring its negation).
  bool holds(const Atom& atom, const std::string& value) {
    switch (atom.test) {
      case Test::Equals:
        return value == atom.value;
      case Test::Prefix:
        return startsWith(value, atom.value);
      case Test::SegmentPrefix:
        return atom.value.empty() ||
               (startsWith(value, atom.value) &&
                (value.size() == atom.value.size() || value[atom.value.size()] == '/'));
      case Test::Suffix:
        return endsWith(value, atom.value);
      case Test::Regex:
        return re2::RE2::FullMatch(value, regex(atom.value));
      case Test::Present:
        return true;
    }
    throw std::logic_error("unknown test");
  }

  // LiteralCheck reports a pattern RE2 rejects; such a regex matches nothing here.
  const re2::RE2& regex(const std::string& pattern) {
    auto& compiled = regexes_[pattern];
    if (!compiled) compiled = std::make_unique<re2::RE2>(pattern, mesh::policyRegexOptions());
    return *compiled;
  }

  std::map<std::string, std::unique_ptr<re2::RE2>> regexes_;
};

// The path and the method are in every request, so an empty prefix or suffix of them holds always.
bool alwaysHolds(const Atom& atom) {
  const bool everywhere = atom.subject == Subject::Path || atom.subject == Subject::Method;
  const bool emptyTest = (atom.test == Test::Prefix || atom.test == Test::SegmentPrefix ||
                          atom.test == Test::Suffix) &&
                         atom.value.empty();
  return everywhere && emptyTest && !atom.negated;
}

struct Group {
  std::vector<Atom> atoms;
  SourceLoc loc;
  bool satisfiable = true;
};

class RouteReachability {
 public:
  explicit RouteReachability(Diagnostics& diagnostics) : diagnostics_(diagnostics) {}

  void check(const ast::Route& route) {
    std::vector<std::vector<Group>> rules;
    for (const ast::RouteRule& rule : route.rules) {
      std::vector<Group> groups;
      for (const ast::ConditionGroup& written : rule.groups) {
        Group group{{}, written.loc};
        for (const ast::Condition& condition : written.conditions) {
          group.atoms.push_back(toAtom(condition));
        }
        checkGroup(group, rule.groups.size() == 1);
        groups.push_back(std::move(group));
      }
      if (rule.otherwise) groups.push_back({{}, rule.loc});
      checkShadowing(route, rules, rule, groups);
      rules.push_back(std::move(groups));
    }
  }

 private:
  // Contradictions make the group unsatisfiable; implied conditions are only redundant.
  void checkGroup(Group& group, bool wholeRule) {
    std::vector<Atom>& atoms = group.atoms;
    for (size_t i = 0; i < atoms.size() && group.satisfiable; ++i) {
      for (size_t j = i + 1; j < atoms.size() && group.satisfiable; ++j) {
        if (!logic_.contradicts(atoms[i], atoms[j])) continue;
        diagnostics_.error(DiagnosticCode::ContradictoryConditions, atoms[j].loc,
                           std::string(wholeRule ? "rule" : "this group of conditions") +
                               " can never match: '" + atoms[j].text + "' contradicts '" +
                               atoms[i].text + "'");
        diagnostics_.note(atoms[i].loc, "the contradicting condition is here");
        group.satisfiable = false;
      }
    }
    for (size_t j = 0; j < atoms.size() && group.satisfiable; ++j) {
      // Condition j is redundant when another implies it; of two equal ones the later is.
      for (size_t i = 0; i < atoms.size(); ++i) {
        if (i == j || !logic_.implies(atoms[i], atoms[j])) continue;
        const bool equal = logic_.implies(atoms[j], atoms[i]);
        if (equal && i > j) continue;
        diagnostics_.warning(DiagnosticCode::RedundantCondition, atoms[j].loc,
                             equal ? "condition '" + atoms[j].text + "' is repeated"
                                   : "condition '" + atoms[j].text + "' is redundant: '" +
                                         atoms[i].text + "' already implies it");
        diagnostics_.note(atoms[i].loc,
                          equal ? "the first is here" : "the stronger condition is here");
        break;
      }
    }
  }

  // Every request satisfying `later` satisfies `earlier`.
  bool covers(const Group& earlier, const Group& later) {
    return std::all_of(earlier.atoms.begin(), earlier.atoms.end(), [&](const Atom& needed) {
      return alwaysHolds(needed) ||
             std::any_of(later.atoms.begin(), later.atoms.end(),
                         [&](const Atom& held) { return logic_.implies(held, needed); });
    });
  }

  // The earlier rule (and group) that takes every request of `group`, if any.
  std::optional<size_t> shadowingRule(const std::vector<std::vector<Group>>& rules,
                                      const Group& group) {
    for (size_t r = 0; r < rules.size(); ++r) {
      for (const Group& earlier : rules[r]) {
        if (earlier.satisfiable && covers(earlier, group)) return r;
      }
    }
    return std::nullopt;
  }

  void checkShadowing(const ast::Route& route, const std::vector<std::vector<Group>>& rules,
                      const ast::RouteRule& rule, const std::vector<Group>& groups) {
    std::vector<std::optional<size_t>> shadowedBy;
    bool anySatisfiable = false;
    for (const Group& group : groups) {
      if (!group.satisfiable) continue;
      anySatisfiable = true;
      shadowedBy.push_back(shadowingRule(rules, group));
    }
    if (!anySatisfiable) return;  // its contradictions are reported already
    const bool wholeRule = std::all_of(shadowedBy.begin(), shadowedBy.end(),
                                       [](const auto& earlier) { return earlier.has_value(); });
    if (wholeRule) {
      const ast::RouteRule& shadowing = route.rules[*shadowedBy.front()];
      if (shadowing.otherwise) {
        diagnostics_.error(DiagnosticCode::RuleAfterOtherwise, rule.loc,
                           "rule can never match: it comes after 'otherwise', which matches "
                           "every request");
      } else {
        diagnostics_.error(DiagnosticCode::ShadowedRule, rule.loc,
                           "rule can never match: every request it matches is taken by an "
                           "earlier rule (rules are tried in order)");
      }
      diagnostics_.note(shadowing.loc, "the earlier rule is here");
      return;
    }
    size_t k = 0;
    for (const Group& group : groups) {
      if (!group.satisfiable) continue;
      const std::optional<size_t> earlier = shadowedBy[k++];
      if (!earlier) continue;
      diagnostics_.error(DiagnosticCode::ShadowedRule, group.loc,
                         "this group of conditions can never match: every request it matches "
                         "is taken by an earlier rule (rules are tried in order)");
      diagnostics_.note(route.rules[*earlier].loc, "the earlier rule is here");
    }
    for (size_t j = 0; j < groups.size(); ++j) {
      for (size_t i = 0; i < groups.size(); ++i) {
        if (i == j || !groups[i].satisfiable || !groups[j].satisfiable ||
            !covers(groups[i], groups[j]) || (covers(groups[j], groups[i]) && i > j)) {
          continue;
        }
        diagnostics_.warning(DiagnosticCode::RedundantCondition, groups[j].loc,
                             "this group of conditions is redundant: another group of the "
                             "same rule already matches every request it does");
        diagnostics_.note(groups[i].loc, "the broader group is here");
        break;
      }
    }
  }

  Diagnostics& diagnostics_;
  Implications logic_;
};

}  // namespace

void checkReachability(const ast::Policy& policy, Diagnostics& diagnostics) {
  for (const ast::Service& service : policy.services) {
    for (const ast::Route& route : service.routes) {
      RouteReachability(diagnostics).check(route);
    }
  }
}

}  // namespace meshc::sema
