#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mesh/abi.h"
#include "policy/ActionConfigs.h"
#include "policy/Cors.h"
#include "policy/Experiment.h"
#include "policy/Retry.h"

namespace mesh {

// What the runtime does for a request once route() has chosen a rule: the rule's action
// descriptors, decoded into plain fields. One entry per rule of the module. Views point into the
// module's constant data, which lives as long as the process.
struct RuleSettings {
  std::string_view location;  // "file:line:col" in the policy
  uint32_t service = 0;
  uint64_t timeoutMs = 0;                   // 0: no deadline
  std::vector<HeaderEdit> requestHeaders;   // on the request forwarded, in order
  std::vector<HeaderEdit> responseHeaders;  // on every response to a request the rule decided
  // At most one of the next three: a rule answers itself, or forwards (perhaps rewritten).
  std::optional<DirectResponse> directResponse;
  std::optional<Redirect> redirect;
  std::optional<Rewrite> rewrite;
  // Copies of the forwarded request, each taken by its own draw (mirrorTaken); only on a rule
  // that forwards.
  std::vector<Mirror> mirrors;
  // The rule's variant is assigned per request (route() decided MESH_EXPERIMENT_CLUSTER).
  std::optional<Experiment> experiment;
  uint32_t firstVariant = 0;  // the module-wide number of the experiment's first variant
  // Browsers' cross-origin requests: preflights answered by the sidecar, responses marked.
  std::optional<Cors> cors;
  // Failed attempts sent again; only on a rule that forwards.
  std::optional<RetryPolicy> retry;
};

// A variant as metrics label it.
struct VariantLabel {
  std::string_view experiment;
  std::string_view variant;
};

// Decodes one action into `settings`. Returns an empty string, or why the action is unusable: an
// unknown kind, a missing or malformed config (ActionConfigs.h), or a second way of answering (a
// rule may hold one direct response, redirect or rewrite, as a Gateway API rule may not combine a
// RequestRedirect with a URLRewrite). The one place that knows every MESH_ACTION_* kind.
std::string applyAction(const mesh_action& action, RuleSettings& settings);

// The decoded rules of a module, built once at start-up and read-only afterwards, so every
// worker reads it without locks and the request path never walks action lists.
class RuleTable {
 public:
  // The module must have passed checkModule(), which rejects every action applyAction() refuses.
  explicit RuleTable(const mesh_module& module);

  const RuleSettings& operator[](uint32_t rule) const { return rules_[rule]; }
  size_t size() const { return rules_.size(); }
  // Every rule's experiment variants, numbered module-wide (RuleSettings::firstVariant).
  const std::vector<VariantLabel>& variants() const { return variants_; }

 private:
  std::vector<RuleSettings> rules_;
  std::vector<VariantLabel> variants_;
};

}  // namespace mesh
