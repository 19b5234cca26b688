#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "mesh/abi.h"
#include "observability/StatsShard.h"
#include "policy/RuleTable.h"
#include "tls/MtlsMode.h"
#include "upstream/ClusterTable.h"

namespace mesh {

struct SidecarState;
struct WorkerContext;

// Where one request goes: an endpoint, or a response the sidecar gives itself.
struct RouteDecision {
  int32_t cluster = -1;                // for metrics and x-mesh-upstream-cluster; -1 if none
  const Endpoint* endpoint = nullptr;  // null: answer locally with status, message and location
  // The policy rule that decided the request, whose settings (rewrite, header edits) apply to
  // the exchange; null when none did (the inbound listener, no route).
  const RuleSettings* rule = nullptr;
  uint64_t timeoutMs = 0;  // 0: no deadline
  // The clusters a copy of the request goes to: the rule's mirrors its draws took.
  std::vector<uint32_t> mirrors;
  unsigned status = 0;
  ResponseFlag flag = ResponseFlag::kNone;  // why the sidecar answers with `status`
  std::string message;
  std::string location;   // a redirect's Location, else empty
  int32_t variant = -1;   // an experiment's variant, module-wide (RuleTable), for metrics; or -1
  std::string setCookie;  // a Set-Cookie value for the upstream's response (an assignment), or ''
  // The rule's CORS fields for whatever response the request gets, the sidecar's own included.
  std::vector<ResponseField> corsFields;
  // The table `endpoint` points into, kept alive for the exchange across an endpoint reload.
  std::shared_ptr<const ClusterTable> table;
};

// Decides the destination of requests arriving on one listener, from the request as the request
// model made it (the connection answers 400 for requests the model refuses, before any router).
// Routers are immutable and shared by all workers; per-worker state (round-robin cursors, random
// numbers) comes in `worker`.
class Router {
 public:
  virtual ~Router() = default;
  virtual RouteDecision route(const mesh_request& request, WorkerContext& worker) const = 0;
  virtual Reporter reporter() const = 0;
  // Whether responses carry x-mesh-upstream-cluster (the outbound side, where clusters exist).
  virtual bool tagsResponses() const = 0;
  // What the listener accepts: the inbound one its service's mode; the outbound one plaintext,
  // from the workload's own application. The inbound listener also tells the application who
  // called, in x-forwarded-client-cert.
  virtual MtlsMode mtls() const = 0;
  // How error messages name the destination, e.g. "cluster reviews.v2".
  virtual std::string describe(const RouteDecision& decision) const = 0;
};

// The outbound listener: the compiled policy picks a cluster, round-robin picks an endpoint.
std::unique_ptr<Router> makeOutboundRouter(const SidecarState& state);
// The inbound listener: everything goes to the local application (the cluster table's app()).
std::unique_ptr<Router> makeInboundRouter(const SidecarState& state);

}  // namespace mesh
