#pragma once

#include <optional>
#include <string>
#include <vector>

namespace meshc::diff {

// Literals about one request field (the path, the method, one header or one query parameter), and
// the search for a value satisfying all of them. A header or a query parameter may be absent; the
// path and the method never are.
class FieldConstraints {
 public:
  enum class Field { Path, Method, Header, Query };
  explicit FieldConstraints(Field field) : field_(field) {}

  void equals(const std::string& value, bool holds);
  void prefix(const std::string& value, bool holds);
  void present(bool holds);
  // Gateway API's path prefix: `value`, then the end or a '/'.
  void segmentPrefix(const std::string& value, bool holds);
  void suffix(const std::string& value, bool holds);
  void regex(const std::string& pattern, bool holds);  // an RE2 full match

  // A value meeting every literal (`absent` for a header that must or may be missing).
  struct Witness {
    bool absent = false;
    std::string value;
  };
  struct Solution {
    enum class Kind { Satisfiable, Unsatisfiable, Undecided };
    Kind kind = Kind::Unsatisfiable;
    Witness witness;  // when satisfiable
  };
  // Exact for equalities, prefixes, segment prefixes (up to 8 required ones) and presence whenever
  // the field has fewer exclusions (negated equalities and prefixes) than the candidate alphabet
  // has characters (62 for methods, 94 otherwise); beyond that a field whose every one-character
  // extension is excluded is reported undecided, never unsatisfiable. With suffixes or regexes,
  // candidates are built from the literals' strings, and a field none of them satisfies is
  // undecided.
  Solution solve() const;

 private:
  Solution solveWithoutSegments() const;
  bool fits(const std::string& value) const;

  Field field_;
  std::vector<std::string> equal_, notEqual_, prefixes_, notPrefixes_;
  std::vector<std::string> segments_, notSegments_, suffixes_, notSuffixes_, regexes_, notRegexes_;
  bool mustBePresent_ = false;
  bool mustBeAbsent_ = false;
};

}  // namespace meshc::diff
