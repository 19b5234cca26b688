#pragma once

#include <algorithm>
#include <string>
#include <string_view>
#include <vector>

#include "support/Diagnostics.h"

namespace meshc::sema {

// Reports every statement of `items` after the first as a repeat (E0406), with a note at the
// first: for statements a block may hold once at most. `locOf` gives an item's location.
template <typename T, typename LocOf>
void atMostOnce(const std::vector<T>& items, std::string_view what, Diagnostics& diagnostics,
                LocOf locOf) {
  for (size_t i = 1; i < items.size(); ++i) {
    diagnostics.error(DiagnosticCode::RepeatedStatement, locOf(items[i]),
                      "duplicate " + std::string(what));
    diagnostics.note(locOf(items[0]), "first " + std::string(what) + " is here");
  }
}

// The names of a service's declarations of one kind (experiments, CORS policies), each once, in
// source order; a second declaration of a name is reported as `code`, with a note at the first.
template <typename T>
std::vector<std::string> declaredOnce(const std::vector<T>& declarations, DiagnosticCode code,
                                      std::string_view what, const std::string& service,
                                      Diagnostics& diagnostics) {
  std::vector<std::string> names;
  std::vector<SourceLoc> first;
  for (const T& declaration : declarations) {
    const std::string& name = declaration.name.name;
    const auto it = std::find(names.begin(), names.end(), name);
    if (it == names.end()) {
      names.push_back(name);
      first.push_back(declaration.name.loc);
      continue;
    }
    diagnostics.error(
        code, declaration.name.loc,
        "duplicate " + std::string(what) + " '" + name + "' in service '" + service + "'");
    diagnostics.note(first[static_cast<size_t>(it - names.begin())], "first declared here");
  }
  return names;
}

}  // namespace meshc::sema
