#include <fmt/format.h>

#include "core/WorkerContext.h"
#include "http/Router.h"
#include "policy/Cors.h"
#include "policy/RedirectLocation.h"
#include "policy/RequestFields.h"

namespace mesh {
namespace {

class OutboundRouter final : public Router {
 public:
  explicit OutboundRouter(const SidecarState& state) : state_(state) {}

  RouteDecision route(const mesh_request& request, WorkerContext& worker) const override {
    const mesh_module& module = state_.module;
    mesh_route_decision decision{};
    const uint32_t result = module.route(&request, &decision);
    switch (result) {
      case MESH_ROUTE_MATCHED:
        return matched(request, decision, worker);
      case MESH_ROUTE_NO_SERVICE:
        return reject(404, ResponseFlag::kNoRoute,
                      fmt::format("meshc: no route: host \"{}{}\" is not a service "
                                  "workload \"{}\" may call\n",
                                  view(request.host),
                                  request.port != 0 ? fmt::format(":{}", request.port) : "",
                                  module.workload));
      case MESH_ROUTE_NO_RULE:
        return reject(404, ResponseFlag::kNoRoute,
                      fmt::format("meshc: no route: no rule of service \"{}\" matches {} {}\n",
                                  view(request.host), view(request.method), view(request.path)));
      default:
        return reject(500, ResponseFlag::kNone,
                      fmt::format("meshc: policy returned unknown route result {}\n", result));
    }
  }

  Reporter reporter() const override { return Reporter::kSource; }
  bool tagsResponses() const override { return true; }
  MtlsMode mtls() const override { return MtlsMode::kDisable; }

  std::string describe(const RouteDecision& decision) const override {
    return "cluster " + decision.table->cluster(decision.cluster).name;
  }

 private:
  static RouteDecision reject(unsigned status, ResponseFlag flag, std::string message) {
    RouteDecision decision;
    decision.status = status;
    decision.flag = flag;
    decision.message = std::move(message);
    return decision;
  }

  RouteDecision matched(const mesh_request& request, const mesh_route_decision& policy,
                        WorkerContext& worker) const {
    const auto& clusters = worker.clusters->clusters();
    if (policy.rule >= state_.rules.size()) {
      return reject(
          500, ResponseFlag::kNone,
          fmt::format("meshc: policy chose rule {} of {}\n", policy.rule, state_.rules.size()));
    }
    const RuleSettings& rule = state_.rules[policy.rule];
    RouteDecision decision;
    decision.rule = &rule;
    if (rule.cors) {
      const CorsRequest cors = corsRequestOf(request);
      // A preflight asks the sidecar, not the service: it is answered here whatever else the rule
      // does, as Envoy's CORS filter answers ahead of its router.
      if (isPreflight(cors)) {
        decision.status = 200;
        decision.corsFields = preflightFields(*rule.cors, cors);
        return decision;
      }
      decision.corsFields = responseFields(*rule.cors, cors);
    }
    // A rule that answers itself does so whatever cluster it names: nothing goes upstream.
    if (rule.redirect) {
      decision.status = rule.redirect->status;
      decision.location = redirectLocation(request, *rule.redirect);
      return decision;
    }
    if (rule.directResponse) {
      decision.status = rule.directResponse->status;
      decision.message = rule.directResponse->body;
      return decision;
    }
    if (policy.cluster == MESH_NO_CLUSTER) {
      // Gateway API: a rule whose backends are all missing (here: it has none) answers 500.
      decision.status = 500;
      decision.message =
          fmt::format("meshc: the route rule at {} has no backends\n", rule.location);
      return decision;
    }
    uint32_t chosen = policy.cluster;
    if (chosen == MESH_EXPERIMENT_CLUSTER) {
      if (!rule.experiment) {
        return reject(500, ResponseFlag::kNone,
                      fmt::format("meshc: the route rule at {} has an experiment's decision "
                                  "but no experiment\n",
                                  rule.location));
      }
      const VariantAssignment assignment = assignVariant(*rule.experiment, request);
      chosen = rule.experiment->variants[assignment.variant].cluster;
      // Metrics keep 15 bits for the variant; beyond that a variant goes unlabelled.
      const uint32_t variant = rule.firstVariant + assignment.variant;
      decision.variant = variant < 0x7fff ? static_cast<int32_t>(variant) : -1;
      if (assignment.setsCookie) {
        decision.setCookie = assignmentCookie(*rule.experiment, assignment.variant);
      }
    }
    if (chosen >= clusters.size()) {
      decision.status = 500;
      decision.message =
          fmt::format("meshc: policy chose cluster {} of {}\n", chosen, clusters.size());
      return decision;
    }
    const Cluster& cluster = clusters[chosen];
    decision.cluster = static_cast<int32_t>(chosen);
    decision.table = worker.clusters;
    if (cluster.endpoints.empty()) {
      decision.status = 503;
      decision.flag = ResponseFlag::kNoHealthyUpstream;
      decision.message = fmt::format("meshc: no healthy endpoints for cluster {}\n", cluster.name);
      return decision;
    }
    const uint32_t pick = worker.upstreams.pick(chosen, cluster);
    decision.endpoint = &cluster.endpoints[pick];
    decision.timeoutMs = rule.timeoutMs;
    for (uint32_t i = 0; i < rule.mirrors.size(); ++i) {
      if (mirrorTaken(request.seed, i, rule.mirrors[i].weight)) {
        decision.mirrors.push_back(rule.mirrors[i].cluster);
      }
    }
    return decision;
  }

  const SidecarState& state_;
};

}  // namespace

std::unique_ptr<Router> makeOutboundRouter(const SidecarState& state) {
  return std::make_unique<OutboundRouter>(state);
}

}  // namespace mesh
