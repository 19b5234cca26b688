#include "support/Suggest.h"

#include <algorithm>

namespace meshc {
namespace {

size_t editDistance(const std::string& a, const std::string& b) {
  std::vector<size_t> previous(b.size() + 1), current(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitution});
    }
    std::swap(previous, current);
  }
  return previous[b.size()];
}

}  // namespace

std::string closestMatch(const std::string& name, const std::vector<std::string>& candidates) {
  std::string best;
  size_t bestDistance = name.size() / 3 + 1;  // beyond a third of the name, it is not a typo
  for (const std::string& candidate : candidates) {
    const size_t distance = editDistance(name, candidate);
    if (distance < bestDistance || (distance == bestDistance && best.empty())) {
      if (distance <= name.size() / 3 + 1 && distance < std::max(name.size(), candidate.size())) {
        best = candidate;
        bestDistance = distance;
      }
    }
  }
  return best;
}

std::string suggestion(const std::string& name, const std::vector<std::string>& candidates,
                       const std::string& kindPlural) {
  const std::string closest = closestMatch(name, candidates);
  if (!closest.empty()) return "did you mean '" + closest + "'?";
  if (candidates.empty()) return "no " + kindPlural + " are declared";
  // A policy may declare thousands of services: a message listing them all helps nobody.
  constexpr size_t kMaxListed = 5;
  std::string list;
  for (size_t i = 0; i < std::min(candidates.size(), kMaxListed); ++i) {
    if (!list.empty()) list += ", ";
    list += candidates[i];
  }
  if (candidates.size() > kMaxListed) {
    list += " and " + std::to_string(candidates.size() - kMaxListed) + " more";
  }
  return "known " + kindPlural + ": " + list;
}

}  // namespace meshc
