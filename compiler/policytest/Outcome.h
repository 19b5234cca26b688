#pragma once

#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>

#include "ir/Policy.h"
#include "mesh/abi.h"
#include "policy/RuleTable.h"

namespace meshc::policytest {

// What a sidecar decides for one request: found by running the compiled route() on the request,
// on every ticket of a split, and checked against the reference evaluator on each call.
struct Outcome {
  // Answered: the sidecar answers `answerStatus` itself: a CORS preflight (`preflight`), or a
  // rule without backends (its redirect, its direct response, or 500).
  enum class Kind { Routed, Answered, NoService, NoRule };
  Kind kind = Kind::NoService;
  uint32_t answerStatus = 0;
  bool preflight = false;
  uint32_t rule = 0;                    // module-wide rule index, when routed
  std::map<uint32_t, uint32_t> shares;  // cluster -> basis points (of 10000), when routed
  mesh::RuleSettings settings;          // the rule's actions, decoded as the runtime decodes them
  // An experiment's rule: each variant's share by name (one variant at 10000 when the assignment
  // cookie or the sticky key decides), and how the request itself, as given, was assigned.
  std::map<std::string, uint32_t> variants;
  std::optional<mesh::VariantAssignment> assignment;
};

// "variant green (sticky cookie "uid" is "u-42": ticket 4821)", and whether the response sets
// the assignment cookie; empty for a rule without an experiment.
std::string describeAssignment(const Outcome& outcome);

// The compiled code and the reference evaluator decided differently: a compiler bug.
class DisagreementError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// `request.seed` is overwritten: every split ticket is tried.
Outcome decide(const ir::Module& policy, const mesh_module& compiled, const mesh::RuleTable& rules,
               mesh_request& request);

// "routed to reviews.v2", "split reviews.v1 90%, reviews.v3 10%", "404 (no rule matches)"...
std::string describeDestination(const ir::Module& policy, const mesh_request& request,
                                const Outcome& outcome);

// "timeout 2s", "timeout 250ms", "no timeout" (0).
std::string describeTimeout(uint64_t milliseconds);

// The rule's retry policy; null when it retries nothing. From the IR, which the rule's mesh_retry
// descriptor holds field for field (DescriptorTest).
const ir::RetryPolicy* retryPolicyOf(const ir::Rule& rule);

// "3 attempts on gateway_error, 429; per try 500ms; backoff 25ms..250ms; budget 20%", with
// "; every method" when non-idempotent requests are retried too.
std::string describeRetries(const ir::RetryPolicy& retry);

// "reviews-shadow.v1 10%, audit.v1 100%"; empty when the rule mirrors nowhere.
std::string describeMirrors(const ir::Module& policy, const mesh::RuleSettings& settings);

}  // namespace meshc::policytest
