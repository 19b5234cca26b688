#include "policy/RuleTable.h"

#include <fmt/format.h>

#include <stdexcept>

namespace mesh {
namespace {

// Names what a rule already does instead of forwarding as it is, or nothing.
std::string_view answerOf(const RuleSettings& settings) {
  if (settings.directResponse) return "a direct response";
  if (settings.redirect) return "a redirect";
  if (settings.rewrite) return "a rewrite";
  return {};
}

std::string secondAnswer(std::string_view what, std::string_view before) {
  return fmt::format("{} besides {}: a rule holds at most one direct response, redirect or rewrite",
                     what, before);
}

std::string withContext(std::string_view what, const std::string& problem) {
  return problem.empty() ? problem : fmt::format("{}: {}", what, problem);
}

}  // namespace

std::string applyAction(const mesh_action& action, RuleSettings& settings) {
  if (!action.config) return fmt::format("action of kind {} has no config", action.kind);
  const void* config = action.config;
  const std::string_view before = answerOf(settings);
  // The kind is a number from another program: unknown values are data errors, not bugs.
  switch (action.kind) {
    case MESH_ACTION_TIMEOUT:
      settings.timeoutMs = static_cast<const mesh_timeout_action*>(config)->timeout_ms;
      return {};
    case MESH_ACTION_REQUEST_HEADERS:
      return withContext("request header edits",
                         decodeHeaderEdits(*static_cast<const mesh_header_edits*>(config),
                                           settings.requestHeaders));
    case MESH_ACTION_RESPONSE_HEADERS:
      return withContext("response header edits",
                         decodeHeaderEdits(*static_cast<const mesh_header_edits*>(config),
                                           settings.responseHeaders));
    case MESH_ACTION_DIRECT_RESPONSE:
      if (!before.empty()) return secondAnswer("a direct response", before);
      return withContext("direct response",
                         decodeDirectResponse(*static_cast<const mesh_direct_response*>(config),
                                              settings.directResponse.emplace()));
    case MESH_ACTION_REDIRECT:
      if (!before.empty()) return secondAnswer("a redirect", before);
      return withContext("redirect", decodeRedirect(*static_cast<const mesh_redirect*>(config),
                                                    settings.redirect.emplace()));
    case MESH_ACTION_REWRITE:
      if (!before.empty()) return secondAnswer("a rewrite", before);
      return withContext("rewrite", decodeRewrite(*static_cast<const mesh_rewrite*>(config),
                                                  settings.rewrite.emplace()));
    case MESH_ACTION_MIRROR:
      if (!settings.mirrors.empty()) return "a second mirror list: a rule holds one";
      return withContext(
          "mirrors", decodeMirrors(*static_cast<const mesh_mirrors*>(config), settings.mirrors));
    case MESH_ACTION_EXPERIMENT:
      if (settings.experiment) return "a second experiment";
      return withContext("experiment",
                         decodeExperiment(*static_cast<const mesh_experiment*>(config),
                                          settings.experiment.emplace()));
    case MESH_ACTION_CORS:
      if (settings.cors) return "a second CORS policy";
      return withContext(
          "cors", decodeCors(*static_cast<const mesh_cors*>(config), settings.cors.emplace()));
    case MESH_ACTION_RETRY:
      if (settings.retry) return "a second retry policy";
      return withContext("retry", decodeRetry(*static_cast<const mesh_retry*>(config),
                                              settings.retry.emplace()));
  }
  return fmt::format(
      "action kind {} is unknown to this runtime; rebuild the sidecar with the meshc that "
      "compiled the policy",
      action.kind);
}

RuleTable::RuleTable(const mesh_module& module) {
  rules_.reserve(module.rule_count);
  for (uint32_t r = 0; r < module.rule_count; ++r) {
    const mesh_rule& rule = module.rules[r];
    RuleSettings settings;
    settings.location = rule.location;
    settings.service = rule.service;
    for (uint32_t a = 0; a < rule.action_count; ++a) {
      if (const std::string problem = applyAction(rule.actions[a], settings); !problem.empty()) {
        throw std::logic_error("RuleTable over an unchecked module: " + problem);
      }
    }
    if (settings.experiment) {
      settings.firstVariant = static_cast<uint32_t>(variants_.size());
      for (const Variant& variant : settings.experiment->variants) {
        variants_.push_back({settings.experiment->name, variant.name});
      }
    }
    rules_.push_back(std::move(settings));
  }
}

}  // namespace mesh
