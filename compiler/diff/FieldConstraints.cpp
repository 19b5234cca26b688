#include "diff/FieldConstraints.h"

#include <algorithm>
#include <cctype>

#include "policy/RegexOptions.h"

namespace meshc::diff {
namespace {

bool startsWith(const std::string& text, const std::string& prefix) {
  return text.compare(0, prefix.size(), prefix) == 0;
}

bool endsWith(const std::string& text, const std::string& suffix) {
  return text.size() >= suffix.size() &&
         text.compare(text.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool underSegment(const std::string& text, const std::string& segment) {
  return startsWith(text, segment) &&
         (text.size() == segment.size() || text[segment.size()] == '/');
}

bool fullMatch(const std::string& text, const std::string& pattern) {
  const re2::RE2 regex(pattern, mesh::policyRegexOptions());
  return re2::RE2::FullMatch(text, regex);
}

template <typename Test>
bool all(const std::vector<std::string>& values, Test test) {
  return std::all_of(values.begin(), values.end(), test);
}

template <typename Test>
bool none(const std::vector<std::string>& values, Test test) {
  return std::none_of(values.begin(), values.end(), test);
}

}  // namespace

void FieldConstraints::segmentPrefix(const std::string& value, bool holds) {
  (holds ? segments_ : notSegments_).push_back(value);
  if (holds) mustBePresent_ = true;
}

void FieldConstraints::suffix(const std::string& value, bool holds) {
  (holds ? suffixes_ : notSuffixes_).push_back(value);
  if (holds) mustBePresent_ = true;
}

void FieldConstraints::regex(const std::string& pattern, bool holds) {
  (holds ? regexes_ : notRegexes_).push_back(pattern);
  if (holds) mustBePresent_ = true;
}

bool FieldConstraints::fits(const std::string& value) const {
  auto is = [&](const std::string& v) { return value == v; };
  auto startsWithIt = [&](const std::string& p) { return startsWith(value, p); };
  auto endsWithIt = [&](const std::string& p) { return endsWith(value, p); };
  auto underIt = [&](const std::string& p) { return underSegment(value, p); };
  auto matchesIt = [&](const std::string& p) { return fullMatch(value, p); };
  return all(equal_, is) && none(notEqual_, is) && all(prefixes_, startsWithIt) &&
         none(notPrefixes_, startsWithIt) && all(segments_, underIt) &&
         none(notSegments_, underIt) && all(suffixes_, endsWithIt) &&
         none(notSuffixes_, endsWithIt) && all(regexes_, matchesIt) &&
         none(notRegexes_, matchesIt) &&
         // Requests the sidecar forwards have a path in origin form and a non-empty method.
         (field_ != Field::Path || startsWith(value, "/")) &&
         (field_ != Field::Method || !value.empty());
}

void FieldConstraints::equals(const std::string& value, bool holds) {
  (holds ? equal_ : notEqual_).push_back(value);
  if (holds) mustBePresent_ = true;
}

void FieldConstraints::prefix(const std::string& value, bool holds) {
  (holds ? prefixes_ : notPrefixes_).push_back(value);
  if (holds) mustBePresent_ = true;
}

void FieldConstraints::present(bool holds) { (holds ? mustBePresent_ : mustBeAbsent_) = true; }

// A segment prefix is an equality or a byte prefix: `value == p` or `value` starts with "p/" (and
// the empty one holds always). Its negation is both exclusions; a positive one is a choice, tried
// both ways, so segment prefixes stay in the fragment solved exactly.
FieldConstraints::Solution FieldConstraints::solve() const {
  FieldConstraints base = *this;
  base.segments_.clear();
  base.notSegments_.clear();
  for (const std::string& p : notSegments_) {
    if (p.empty()) return {Solution::Kind::Unsatisfiable, {}};
    base.notEqual_.push_back(p);
    base.notPrefixes_.push_back(p + "/");
  }
  std::vector<std::string> choices;
  for (const std::string& p : segments_) {
    if (!p.empty()) choices.push_back(p);
  }
  static constexpr size_t kMaxChoices = 8;
  if (choices.size() > kMaxChoices) return {Solution::Kind::Undecided, {}};
  bool undecided = false;
  for (uint32_t pick = 0; pick < (1u << choices.size()); ++pick) {
    FieldConstraints branch = base;
    for (size_t k = 0; k < choices.size(); ++k) {
      if ((pick >> k & 1) == 0) {
        branch.equals(choices[k], true);
      } else {
        branch.prefix(choices[k] + "/", true);
      }
    }
    const Solution solution = branch.solveWithoutSegments();
    if (solution.kind == Solution::Kind::Satisfiable) return solution;
    undecided = undecided || solution.kind == Solution::Kind::Undecided;
  }
  return {undecided ? Solution::Kind::Undecided : Solution::Kind::Unsatisfiable, {}};
}

FieldConstraints::Solution FieldConstraints::solveWithoutSegments() const {
  using Kind = Solution::Kind;
  // Literals the candidate search cannot refute: a regex both required and excluded, a prefix or
  // suffix excluded though a required one starts or ends with it.
  for (const std::string& excluded : notPrefixes_) {
    for (const std::string& required : prefixes_) {
      if (startsWith(required, excluded)) return {Kind::Unsatisfiable, {}};
    }
  }
  for (const std::string& excluded : notRegexes_) {
    if (std::find(regexes_.begin(), regexes_.end(), excluded) != regexes_.end()) {
      return {Kind::Unsatisfiable, {}};
    }
  }
  for (const std::string& excluded : notSuffixes_) {
    for (const std::string& required : suffixes_) {
      if (endsWith(required, excluded)) return {Kind::Unsatisfiable, {}};
    }
  }
  const auto found = [](std::string value) { return Solution{Kind::Satisfiable, {false, value}}; };
  const Solution absent{Kind::Satisfiable, {true, {}}};
  const Solution none{Kind::Unsatisfiable, {}};
  const bool optional = field_ == Field::Header || field_ == Field::Query;
  if (mustBeAbsent_) return mustBePresent_ || !optional ? none : absent;
  if (optional && !mustBePresent_) return absent;  // absent meets every negative literal
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
  std::string alphabet = field_ == Field::Method ? "XYZQWVKJ" : "xyz0";
  for (char c = '!'; c <= '~'; ++c) {
    const bool usable = field_ != Field::Method || std::isalnum(static_cast<unsigned char>(c)) != 0;
    if (usable && alphabet.find(c) == std::string::npos) alphabet += c;
  }
  // Suffixes and regexes are outside that argument: a value ending in the longest suffix is tried
  // too, and regexes are only checked.
  std::string tail;
  for (const std::string& suffix : suffixes_) {
    if (suffix.size() > tail.size()) tail = suffix;
  }
  std::vector<std::string> candidates{base};
  if (!tail.empty()) candidates.push_back(base + tail);
  for (char c : alphabet) {
    candidates.push_back(base + c);
    if (!tail.empty()) candidates.push_back(base + c + tail);
  }
  for (const std::string& candidate : candidates) {
    if (fits(candidate)) return found(candidate);
  }
  const bool exact =
      suffixes_.empty() && notSuffixes_.empty() && regexes_.empty() && notRegexes_.empty();
  const size_t exclusions = notEqual_.size() + notPrefixes_.size();
  return exact && exclusions < alphabet.size() ? none : Solution{Kind::Undecided, {}};
}

}  // namespace meshc::diff
