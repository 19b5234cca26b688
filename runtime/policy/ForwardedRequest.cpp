#include "policy/ForwardedRequest.h"

namespace mesh {

std::string_view rewrittenTarget(std::string_view target, const RuleSettings& rule,
                                 std::string& storage) {
  if (!rule.rewrite || rule.rewrite->path.kind == PathRewrite::Kind::kKeep) return target;
  // The normalised path holds no '?' (one would have ended it), so the first starts the query.
  const size_t question = target.find('?');
  storage = rewritePath(target.substr(0, question), rule.rewrite->path);
  if (question != std::string_view::npos) storage.append(target.substr(question));
  return storage;
}

}  // namespace mesh
