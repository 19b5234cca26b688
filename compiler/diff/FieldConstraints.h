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

  // A value meeting every literal: nullopt when none exists, an empty optional string inside
  // (`absent`) for a header that must be absent. The search is exact for these literal kinds:
  // it fails only when the literals contradict each other.
  struct Witness {
    bool absent = false;
    std::string value;
  };
  std::optional<Witness> solve() const;

 private:
  Field field_;
  std::vector<std::string> equal_, notEqual_, prefixes_, notPrefixes_;
  bool mustBePresent_ = false;
  bool mustBeAbsent_ = false;
};

}  // namespace meshc::diff
