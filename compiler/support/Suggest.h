#pragma once

#include <string>
#include <vector>

namespace meshc {

// The candidate closest to `name` by edit distance, when close enough to be a plausible typo;
// empty otherwise.
std::string closestMatch(const std::string& name, const std::vector<std::string>& candidates);

// "did you mean 'x'?" or "known Ys: a, b, c" — the tail of an unknown-name error.
std::string suggestion(const std::string& name, const std::vector<std::string>& candidates,
                       const std::string& kindPlural);

}  // namespace meshc
