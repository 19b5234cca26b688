#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "ir/Policy.h"
#include "support/SourceLoc.h"

namespace meshc::diff {

// A request that shows a change: what its application sends to its own sidecar.
struct ExampleRequest {
  std::string method;
  std::string host;
  uint32_t port = 0;  // 0: the URL names none
  std::string path;
  std::vector<std::pair<std::string, std::string>> headers;  // present ones; absent ones omitted
  std::vector<std::pair<std::string, std::string>> query;    // decoded query parameters
};

// All requests of one workload to one host that the old policy decides by one rule (or by none)
// and the new policy by another, with different outcomes.
struct ChangedClass {
  std::string workload;
  std::string host;
  std::optional<SourceLoc> oldRule;  // empty: no rule or no such callable service (404)
  std::optional<SourceLoc> newRule;
  std::string oldOutcome;  // "routed to reviews.v1, timeout 2s", "404 (no route)"
  std::string newOutcome;
  ExampleRequest example;
};

struct PolicyDiff {
  std::vector<ChangedClass> changes;
  std::vector<std::string> notes;  // workloads only one version has, classes left undecided
};

// Compares the decisions of two versions of a policy, workload by workload (only `workload` when
// not empty), by analysing the rules' conditions: every class of requests whose outcome (target
// shares and settings) changes, each with an example request. The example is checked by running
// both versions' reference evaluators on it.
PolicyDiff diffPolicies(const std::vector<ir::Module>& oldModules,
                        const std::vector<ir::Module>& newModules, const std::string& workload);

}  // namespace meshc::diff
