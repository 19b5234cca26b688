#include "policytest/RuleEffects.h"

#include "policy/Cors.h"
#include "policy/ForwardedRequest.h"
#include "policy/RedirectLocation.h"
#include "support/Text.h"

namespace meshc::policytest {

RuleEffects ruleEffects(const Outcome& outcome, const mesh_request& request,
                        const mesh::ForwardedTarget& forwarded,
                        const std::vector<std::pair<std::string, std::string>>& sent) {
  const mesh::RuleSettings& rule = outcome.settings;
  RuleEffects effects;
  if (rule.cors) {
    // The answer to a preflight is the sidecar's own: no field of it is left unknown.
    if (outcome.preflight) {
      for (std::string_view name : mesh::kCorsFieldNames) effects.response.erase(name);
    }
    const mesh::CorsRequest cors = mesh::corsRequestOf(request);
    mesh::applyCorsFields(effects.response, outcome.preflight
                                                ? mesh::preflightFields(*rule.cors, cors)
                                                : mesh::responseFields(*rule.cors, cors));
  }
  mesh::applyHeaderEdits(effects.response, rule.responseHeaders);
  if (outcome.kind == Outcome::Kind::Answered) {
    if (rule.redirect && !outcome.preflight)
      effects.location = mesh::redirectLocation(request, *rule.redirect);
    return effects;
  }
  ForwardedRequest upstream;
  std::string storage;
  upstream.target = std::string(mesh::rewrittenTarget(forwarded.target, rule, storage));
  for (const auto& [name, value] : sent) upstream.headers.insert(name, value);
  // A test request is origin-form HTTP/1.1 with a Host header: the sidecar keeps its Host.
  mesh::applySidecarForwardedChanges(
      upstream.headers, [] { return kRandomRequestId; }, 11);
  mesh::applyForwardedHeaderChanges(upstream.headers, rule);
  effects.upstream = std::move(upstream);
  return effects;
}

std::string describeHeaderValue(const std::string& value) {
  if (value == kRandomRequestId) return "a random id (the sidecar's)";
  return quoted(value);
}

}  // namespace meshc::policytest
