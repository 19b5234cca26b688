#include "ir/Evaluator.h"

#include <string_view>

namespace meshc::ir {
namespace {

std::string_view view(const mesh_str& s) { return {s.data, static_cast<size_t>(s.len)}; }

const mesh_header* findHeader(const mesh_request& request, std::string_view name) {
  for (uint64_t i = 0; i < request.header_count; ++i) {
    if (view(request.headers[i].name) == name) return &request.headers[i];
  }
  return nullptr;
}

struct PredicateHolds {
  const mesh_request& request;

  bool operator()(const PathExact& p) const { return view(request.path) == p.value; }
  bool operator()(const PathPrefix& p) const { return view(request.path).starts_with(p.value); }
  bool operator()(const MethodIs& p) const { return view(request.method) == p.value; }
  bool operator()(const HeaderEquals& p) const {
    const mesh_header* h = findHeader(request, p.name);
    return h != nullptr && view(h->value) == p.value;
  }
  bool operator()(const HeaderPrefix& p) const {
    const mesh_header* h = findHeader(request, p.name);
    return h != nullptr && view(h->value).starts_with(p.value);
  }
  bool operator()(const HeaderPresent& p) const { return findHeader(request, p.name) != nullptr; }
};

bool ruleMatches(const Rule& rule, const mesh_request& request) {
  for (const Predicate& predicate : rule.conditions) {
    if (!predicateHolds(predicate, request)) return false;
  }
  return true;
}

struct ChooseCluster {
  uint64_t seed;

  uint32_t operator()(const Forward& f) const { return f.cluster; }
  uint32_t operator()(const Split& s) const {
    const uint64_t ticket = mesh_draw(seed, MESH_DRAW_SPLIT) % kWeightTotal;
    uint64_t runningSum = 0;
    for (const WeightedCluster& target : s.targets) {
      runningSum += target.weight;
      if (ticket < runningSum) return target.cluster;
    }
    return s.targets.back().cluster;  // unreachable for verified IR: weights total kWeightTotal
  }
};

}  // namespace

bool predicateHolds(const Predicate& predicate, const mesh_request& request) {
  return std::visit(PredicateHolds{request}, predicate.kind);
}

int32_t findService(const Module& module, const mesh_request& request) {
  const std::string_view host = view(request.host);
  for (uint32_t s = 0; s < module.routableServices; ++s) {
    if (module.services[s].name == host) return static_cast<int32_t>(s);
  }
  return -1;
}

uint32_t evaluateRoute(const Module& module, const mesh_request& request,
                       mesh_route_decision& decision) {
  const int32_t found = findService(module, request);
  if (found < 0) return MESH_ROUTE_NO_SERVICE;
  const auto s = static_cast<uint32_t>(found);
  const Service& service = module.services[s];
  for (uint32_t r = 0; r < service.rules.size(); ++r) {
    const Rule& rule = service.rules[r];
    if (!ruleMatches(rule, request)) continue;
    decision.rule = globalRuleIndex(module, s, r);
    decision.cluster = std::visit(ChooseCluster{request.seed}, rule.target);
    return MESH_ROUTE_MATCHED;
  }
  return MESH_ROUTE_NO_RULE;
}

}  // namespace meshc::ir
