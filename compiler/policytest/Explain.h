#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ir/Policy.h"
#include "mesh/abi.h"
#include "policy/RuleTable.h"
#include "policytest/Outcome.h"

namespace meshc::policytest {

struct ConditionTrace {
  std::string condition;  // as the IR dump writes it
  bool holds = false;
  std::string seen;  // what the request had: `path is "/x"`, `header "h" is absent`
};

struct GroupTrace {
  std::vector<ConditionTrace> conditions;  // every condition, not only up to the first failure
  bool holds = false;
};

struct RuleTrace {
  uint32_t index = 0;  // within the service's route
  SourceLoc loc;
  std::vector<GroupTrace> groups;  // every group (`or`), not only up to the first that holds
  bool matched = false;
};

// How one workload's sidecar decides a request, rule by rule, and the decision the compiled code
// made (checked against the reference evaluator on every split ticket by decide()).
struct Explanation {
  std::string host;
  uint32_t port = 0;             // the authority's, 0 when it names none
  int32_t service = -1;          // index in the module, -1 when the host names no callable service
  std::vector<RuleTrace> rules;  // tried in order, up to and including the matching one
  size_t rulesNotTried = 0;      // after the matching rule
  Outcome outcome;
  std::string destination;    // describeDestination()
  uint32_t drawnCluster = 0;  // where this request's own seed goes, when routed
  // The clusters this request's own seed sends copies to (the deciding rule's mirrors), drawn as
  // the sidecar draws them and checked against the reference evaluator.
  std::vector<uint32_t> drawnMirrors;
};

// `request.seed` is the request's own draw; it is restored after decide() tries every ticket.
Explanation explain(const ir::Module& policy, const mesh_module& compiled,
                    const mesh::RuleTable& rules, mesh_request& request);

}  // namespace meshc::policytest
