#include "sema/RouteDefaults.h"

#include "support/Overloaded.h"

namespace meshc::sema {

bool forwards(const ast::RouteRule& rule) {
  return std::visit(Overloaded{
                        [](const ast::SubsetTarget&) { return true; },
                        [](const ast::SplitTarget&) { return true; },
                        [](const ast::RedirectTarget&) { return false; },
                        [](const ast::RespondTarget&) { return false; },
                        [](const ast::ExperimentTarget&) { return true; },
                    },
                    rule.target);
}

const ast::Duration* ownTimeout(const ast::RouteRule& rule) {
  if (rule.timeout) return &*rule.timeout;
  for (const ast::RuleSetting& setting : rule.settings) {
    if (const auto* timeout = std::get_if<ast::TimeoutSetting>(&setting)) return &timeout->timeout;
  }
  return nullptr;
}

const ast::RetrySetting* ownRetry(const ast::RouteRule& rule) {
  for (const ast::RuleSetting& setting : rule.settings) {
    if (const auto* retry = std::get_if<ast::RetrySetting>(&setting)) return retry;
  }
  return nullptr;
}

const ast::Duration* timeoutOf(const ast::Route& route, const ast::RouteRule& rule) {
  if (const ast::Duration* own = ownTimeout(rule)) return own;
  return forwards(rule) && !route.timeouts.empty() ? &route.timeouts[0] : nullptr;
}

const ast::RetrySetting* retryOf(const ast::Route& route, const ast::RouteRule& rule) {
  if (const ast::RetrySetting* own = ownRetry(rule)) return own;
  return forwards(rule) && !route.retries.empty() ? &route.retries[0] : nullptr;
}

}  // namespace meshc::sema
