#include "diff/FieldConstraints.h"

#include <algorithm>
#include <cctype>

namespace meshc::diff {
namespace {

bool startsWith(const std::string& text, const std::string& prefix) {
  return text.compare(0, prefix.size(), prefix) == 0;
}

}  // namespace

void FieldConstraints::equals(const std::string& value, bool holds) {
  (holds ? equal_ : notEqual_).push_back(value);
  if (holds) mustBePresent_ = true;
}

void FieldConstraints::prefix(const std::string& value, bool holds) {
  (holds ? prefixes_ : notPrefixes_).push_back(value);
  if (holds) mustBePresent_ = true;
}

void FieldConstraints::present(bool holds) { (holds ? mustBePresent_ : mustBeAbsent_) = true; }

FieldConstraints::Solution FieldConstraints::solve() const {
  using Kind = Solution::Kind;
  const auto found = [](std::string value) { return Solution{Kind::Satisfiable, {false, value}}; };
  const Solution absent{Kind::Satisfiable, {true, {}}};
  const Solution none{Kind::Unsatisfiable, {}};
  const bool optional = field_ == Field::Header;
  if (mustBeAbsent_) return mustBePresent_ || !optional ? none : absent;
  if (optional && !mustBePresent_) return absent;  // absent meets every negative literal
  auto fits = [&](const std::string& value) {
    return std::all_of(equal_.begin(), equal_.end(), [&](auto& v) { return value == v; }) &&
           std::none_of(notEqual_.begin(), notEqual_.end(), [&](auto& v) { return value == v; }) &&
           std::all_of(prefixes_.begin(), prefixes_.end(),
                       [&](auto& p) { return startsWith(value, p); }) &&
           std::none_of(notPrefixes_.begin(), notPrefixes_.end(),
                        [&](auto& p) { return startsWith(value, p); }) &&
           // Requests the sidecar forwards have a path in origin form and a non-empty method.
           (field_ != Field::Path || startsWith(value, "/")) &&
           (field_ != Field::Method || !value.empty());
  };
  if (!equal_.empty()) return fits(equal_.front()) ? found(equal_.front()) : none;
  // Every solution starts with the longest required prefix (the others must be its prefixes),
  // so the base itself is the first candidate. Otherwise a solution extends it, and an exclusion
  // can rule out at most one one-character extension (an excluded value or prefix exactly one
  // longer); longer ones rule out none, and shorter ones rule out the base and all its extensions.
  // So with fewer exclusions than characters to try, the one-character extensions decide.
  std::string base = field_ == Field::Path ? "/" : "";
  for (const std::string& p : prefixes_) {
    if (p.size() > base.size()) base = p;
  }
  if (field_ == Field::Method && base.empty()) {
    for (const char* method : {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"}) {
      if (fits(method)) return found(method);
    }
  }
  if (fits(base)) return found(base);
  std::string alphabet = field_ == Field::Method ? "XYZQWVKJ" : "xyz0";
  for (char c = '!'; c <= '~'; ++c) {
    const bool usable = field_ != Field::Method || std::isalnum(static_cast<unsigned char>(c)) != 0;
    if (usable && alphabet.find(c) == std::string::npos) alphabet += c;
  }
  for (char c : alphabet) {
    if (fits(base + c)) return found(base + c);
  }
  const size_t exclusions = notEqual_.size() + notPrefixes_.size();
  return exclusions < alphabet.size() ? none : Solution{Kind::Undecided, {}};
}

}  // namespace meshc::diff
