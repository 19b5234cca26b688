#include "policy/RegexSet.h"

#include <fmt/format.h>

#include "policy/RegexOptions.h"

namespace mesh {
namespace {

uint32_t fullMatchThunk(const void* context, uint32_t regex, const char* data, uint64_t len) {
  const auto* set = static_cast<const RegexSet*>(context);
  return set->fullMatch(regex, std::string_view(data, static_cast<size_t>(len))) ? 1 : 0;
}

}  // namespace

RegexSet::RegexSet(const char* const* patterns, uint32_t count) : matcher_{this, &fullMatchThunk} {
  regexes_.reserve(count);
  for (uint32_t i = 0; i < count; ++i) {
    auto regex = std::make_unique<re2::RE2>(patterns[i], policyRegexOptions());
    if (!regex->ok() && error_.empty()) {
      error_ = fmt::format("regex {} \"{}\" does not compile: {}", i, patterns[i], regex->error());
    }
    regexes_.push_back(std::move(regex));
  }
}

RegexSet::~RegexSet() = default;

bool RegexSet::fullMatch(uint32_t index, std::string_view text) const {
  if (index >= regexes_.size() || !regexes_[index]->ok()) return false;
  return re2::RE2::FullMatch(re2::StringPiece(text.data(), text.size()), *regexes_[index]);
}

}  // namespace mesh
