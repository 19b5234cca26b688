#include "ir/Evaluator.h"

#include <optional>
#include <string_view>

#include "support/Overloaded.h"

namespace meshc::ir {
namespace {

std::string_view view(const mesh_str& s) { return {s.data, static_cast<size_t>(s.len)}; }

// The first entry named `name`, as compiled code scans headers and query parameters.
const mesh_header* findFirst(const mesh_header* entries, uint64_t count, std::string_view name) {
  for (uint64_t i = 0; i < count; ++i) {
    if (view(entries[i].name) == name) return &entries[i];
  }
  return nullptr;
}

// The subject's value, or nullopt for a missing header or query parameter.
std::optional<std::string_view> subjectValue(const Subject& subject, const mesh_request& request) {
  auto valueOf = [](const mesh_header* entry) -> std::optional<std::string_view> {
    if (entry == nullptr) return std::nullopt;
    return view(entry->value);
  };
  return std::visit(
      Overloaded{
          [&](const RequestPath&) -> std::optional<std::string_view> { return view(request.path); },
          [&](const RequestMethod&) -> std::optional<std::string_view> {
            return view(request.method);
          },
          [&](const HeaderValue& h) {
            return valueOf(findFirst(request.headers, request.header_count, h.name));
          },
          [&](const QueryValue& q) {
            return valueOf(findFirst(request.query_params, request.query_param_count, q.name));
          },
      },
      subject);
}

struct TestPasses {
  const mesh_request& request;
  std::string_view value;

  bool operator()(const Equals& t) const { return value == t.value; }
  bool operator()(const Prefix& t) const { return value.starts_with(t.value); }
  // The empty value (`path prefix "/"`) passes every path, `*` of `OPTIONS *` too (Policy.h).
  bool operator()(const SegmentPrefix& t) const {
    return t.value.empty() || (value.starts_with(t.value) && (value.size() == t.value.size() ||
                                                             value[t.value.size()] == '/'));
  }
  bool operator()(const Suffix& t) const { return value.ends_with(t.value); }
  bool operator()(const Regex& t) const {
    return request.regex != nullptr && request.regex->full_match(request.regex->context, t.index,
                                                                 value.data(), value.size()) != 0;
  }
  bool operator()(const Present&) const { return true; }
};

bool conjunctionHolds(const Conjunction& conjunction, const mesh_request& request) {
  for (const Predicate& predicate : conjunction) {
    if (!predicateHolds(predicate, request)) return false;
  }
  return true;
}

bool ruleMatches(const Rule& rule, const mesh_request& request) {
  for (const Conjunction& conjunction : rule.anyOf) {
    if (conjunctionHolds(conjunction, request)) return true;
  }
  return false;
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
  uint32_t operator()(const NoBackend&) const { return MESH_NO_CLUSTER; }
};

}  // namespace

bool predicateHolds(const Predicate& predicate, const mesh_request& request) {
  const std::optional<std::string_view> value = subjectValue(predicate.subject, request);
  const bool passes = value.has_value() && std::visit(TestPasses{request, *value}, predicate.test);
  return passes != predicate.negated;
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

std::vector<uint32_t> mirroredClusters(const Rule& rule, uint64_t seed) {
  std::vector<uint32_t> clusters;
  for (const Action& action : rule.actions) {
    const auto* mirrors = std::get_if<Mirrors>(&action);
    if (mirrors == nullptr) continue;
    for (size_t i = 0; i < mirrors->targets.size(); ++i) {
      const MirrorTarget& target = mirrors->targets[i];
      if (mesh_draw(seed, MESH_DRAW_MIRROR + i) % kWeightTotal < target.weight) {
        clusters.push_back(target.cluster);
      }
    }
  }
  return clusters;
}

}  // namespace meshc::ir
