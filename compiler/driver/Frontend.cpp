#include "driver/Frontend.h"

#include "ast/Parser.h"
#include "sema/Sema.h"
#include "support/Sha256.h"

namespace meshc::driver {

CheckedPolicy loadPolicy(const std::string& path) {
  CheckedPolicy result{SourceFile::read(path), {}, {}, {}, false, false};
  result.policy = ast::parse(result.source, result.diagnostics);
  result.parsed = !result.diagnostics.hasErrors();
  if (result.parsed) result.checked = sema::check(result.policy, result.diagnostics);
  result.digest = "sha256:" + sha256Hex(ast::normalizedSource(result.source));
  return result;
}

}  // namespace meshc::driver
