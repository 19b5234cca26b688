#include "diff/FieldConstraints.h"

#include <algorithm>

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

std::optional<FieldConstraints::Witness> FieldConstraints::solve() const {
  const bool optional = field_ == Field::Header;
  if (mustBeAbsent_) {
    if (mustBePresent_ || !optional) return std::nullopt;
    return Witness{true, {}};
  }
  if (optional && !mustBePresent_) {
    return Witness{true, {}};  // absent meets every negative literal
  }
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
  if (!equal_.empty()) {
    if (fits(equal_.front())) return Witness{false, equal_.front()};
    return std::nullopt;
  }
  // Every solution starts with the longest required prefix (the others must be its prefixes).
  // If that prefix itself is excluded, one more character that appears in no literal escapes
  // every remaining exclusion, since an excluded value or prefix would have to contain it. So
  // these two candidates decide satisfiability exactly.
  std::string base = field_ == Field::Path ? "/" : "";
  for (const std::string& p : prefixes_) {
    if (p.size() > base.size()) base = p;
  }
  if (field_ == Field::Method && base.empty()) {
    for (const char* method : {"GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"}) {
      if (fits(method)) return Witness{false, method};
    }
  }
  if (fits(base)) return Witness{false, base};
  const std::string preferred = field_ == Field::Method ? "XYZQWVKJ" : "xyz0123456789abcdefgh";
  for (char fresh : preferred) {
    auto contains = [fresh](const std::string& text) {
      return text.find(fresh) != std::string::npos;
    };
    if (std::any_of(notEqual_.begin(), notEqual_.end(), contains) ||
        std::any_of(notPrefixes_.begin(), notPrefixes_.end(), contains)) {
      continue;
    }
    if (fits(base + fresh)) return Witness{false, base + fresh};
    break;  // a fresh character escapes every exclusion: only the base itself was the problem
  }
  return std::nullopt;
}

}  // namespace meshc::diff
