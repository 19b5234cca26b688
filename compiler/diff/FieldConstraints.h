#pragma once

#include <optional>
#include <string>
#include <vector>

namespace meshc::diff {

// Literals about one request field (the path, the method, or one header), and the search for a
// value satisfying all of them. A header may be absent; the path and the method never are.
class FieldConstraints {
 public:
  enum class Field { Path, Method, Header };
  explicit FieldConstraints(Field field) : field_(field) {}

  void equals(const std::string& value, bool holds);
  void prefix(const std::string& value, bool holds);
  void present(bool holds);

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
  // Exact whenever the field has fewer exclusions (negated equalities and prefixes) than the
  // candidate alphabet has characters (62 for methods, 94 otherwise); beyond that a field whose
  // every one-character extension is excluded is reported undecided, never unsatisfiable.
  Solution solve() const;

 private:
  Field field_;
  std::vector<std::string> equal_, notEqual_, prefixes_, notPrefixes_;
  bool mustBePresent_ = false;
  bool mustBeAbsent_ = false;
};

}  // namespace meshc::diff
