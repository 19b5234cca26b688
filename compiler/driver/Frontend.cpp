#include "driver/Frontend.h"

#include <utility>

#include "ast/Parser.h"
#include "sema/Sema.h"
#include "support/Sha256.h"

namespace meshc::driver {

CheckedPolicy loadPolicy(const std::string& path) { return checkPolicy(SourceFile::read(path)); }

CheckedPolicy checkPolicy(SourceFile source) {
  CheckedPolicy result{std::move(source), {}, {}, {}, false, false};
  std::optional<ast::Policy> policy = ast::parse(result.source, result.diagnostics);
  result.parsed = policy.has_value();
  if (result.parsed) {
    result.policy = std::move(*policy);
    const bool literalsOk = !result.diagnostics.hasErrors();
    result.checked = sema::check(result.policy, result.diagnostics) && literalsOk;
    if (result.checked) sema::lint(result.policy, result.diagnostics);
  }
  result.digest = "sha256:" + sha256Hex(ast::normalizedSource(result.source));
  return result;
}

}  // namespace meshc::driver
