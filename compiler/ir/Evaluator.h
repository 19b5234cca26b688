#pragma once

// The reference evaluator: the plain, obviously-correct reading of the Policy IR. It is the oracle
// the compiled code is checked against, request by request.

#include <vector>

#include "ir/Policy.h"
#include "mesh/abi.h"

namespace meshc::ir {

// Whether one condition of `service`'s route holds for the request: the evaluator's own test,
// shared with `explain`.
bool predicateHolds(const Predicate& predicate, const Service& service,
                    const mesh_request& request);

// The routable service the request's host and port reach (Service::hosts, Service::ports), or -1.
int32_t findService(const Module& module, const mesh_request& request);

// Same contract as the compiled module's route(): returns a MESH_ROUTE_* status and fills
// `decision` when the status is MESH_ROUTE_MATCHED. The chosen rule's actions are in the IR, at the
// rule the decision names.
uint32_t evaluateRoute(const Module& module, const mesh_request& request,
                       mesh_route_decision& decision);

// The clusters that get a copy of a request with `seed` once `rule` decided it: each mirror
// target whose own draw (abi.h, MESH_DRAW_MIRROR + its position) is below its weight, in order.
// The runtime draws the same from the rule's descriptor, and the differential test compares them.
std::vector<uint32_t> mirroredClusters(const Rule& rule, uint64_t seed);

}  // namespace meshc::ir
