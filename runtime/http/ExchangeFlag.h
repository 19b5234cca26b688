#pragma once

// Why an exchange that went upstream ended as it did, as the metrics name it. Internal to the
// runtime (reads the Exchange, which brings in Beast).

#include "http/Exchange.h"
#include "observability/ResponseFlag.h"

namespace mesh {

// The flag of an exchange once its attempts are over: kNone for a response relayed whole, DC
// when the client left first, else the cause of the sidecar's own answer (the one
// describeFailure words) or of the cut in a relayed response.
ResponseFlag responseFlagOf(const Exchange& exchange);

}  // namespace mesh
