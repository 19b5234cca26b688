#include "policy/RuleTable.h"

#include <fmt/format.h>

#include <stdexcept>

namespace mesh {

std::string applyAction(const mesh_action& action, RuleSettings& settings) {
  if (!action.config) return fmt::format("action of kind {} has no config", action.kind);
  // The kind is a number from another program: unknown values are data errors, not bugs.
  switch (action.kind) {
    case MESH_ACTION_TIMEOUT:
      settings.timeoutMs = static_cast<const mesh_timeout_action*>(action.config)->timeout_ms;
      return {};
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
    rules_.push_back(settings);
  }
}

}  // namespace mesh
