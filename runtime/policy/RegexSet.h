#pragma once

// A module's regexes (abi.h mesh_module.regexes), compiled once when the sidecar starts and lent to
// route() through mesh_regex_matcher. Matching is read-only, so one set serves every worker thread.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "mesh/abi.h"

namespace re2 {
class RE2;
}

namespace mesh {

class RegexSet {
 public:
  RegexSet(const char* const* patterns, uint32_t count);
  ~RegexSet();
  RegexSet(const RegexSet&) = delete;
  RegexSet& operator=(const RegexSet&) = delete;

  // Why the first pattern RE2 rejects does not compile; empty when every one compiled.
  const std::string& error() const { return error_; }

  // Whether the whole of `text` matches pattern `index`; false for an index out of range.
  bool fullMatch(uint32_t index, std::string_view text) const;

  // For mesh_request.regex; valid while this set lives.
  const mesh_regex_matcher* matcher() const { return &matcher_; }

 private:
  std::vector<std::unique_ptr<re2::RE2>> regexes_;
  std::string error_;
  mesh_regex_matcher matcher_;
};

}  // namespace mesh
