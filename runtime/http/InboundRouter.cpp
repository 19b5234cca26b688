#include "core/WorkerContext.h"
#include "http/Router.h"
#include "tls/MtlsPlan.h"

namespace mesh {
namespace {

class InboundRouter final : public Router {
 public:
  explicit InboundRouter(const SidecarState& state) : state_(state) {}

  RouteDecision route(const mesh_request&, WorkerContext& worker) const override {
    RouteDecision decision;
    decision.cluster = state_.module.local_cluster;
    decision.endpoint = worker.clusters->app();
    decision.table = worker.clusters;
    return decision;
  }

  Reporter reporter() const override { return Reporter::kDestination; }
  bool tagsResponses() const override { return false; }
  MtlsMode mtls() const override { return inboundMode(state_.module); }

  std::string describe(const RouteDecision&) const override { return "the local application"; }

 private:
  const SidecarState& state_;
};

}  // namespace

std::unique_ptr<Router> makeInboundRouter(const SidecarState& state) {
  return std::make_unique<InboundRouter>(state);
}

}  // namespace mesh
