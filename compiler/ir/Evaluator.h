#pragma once

// The reference evaluator: the plain, obviously-correct reading of the Policy IR. It is the oracle
// the compiled code is checked against, request by request.

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

}  // namespace meshc::ir
