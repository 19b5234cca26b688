#include "ir/Evaluator.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
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
std::optional<std::string> subjectValue(const Subject& subject, const Service& service,
                                        const mesh_request& request) {
  auto valueOf = [](const mesh_header* entry) -> std::optional<std::string> {
    if (entry == nullptr) return std::nullopt;
    return std::string(view(entry->value));
  };
  return std::visit(
      Overloaded{
          [&](const RequestPath&) -> std::optional<std::string> {
            return std::string(view(request.path));
          },
          [&](const RequestMethod&) -> std::optional<std::string> {
            return std::string(view(request.method));
          },
          [&](const HeaderValue& h) {
            return valueOf(findFirst(request.headers, request.header_count, h.name));
          },
          [&](const QueryValue& q) {
            return valueOf(findFirst(request.query_params, request.query_param_count, q.name));
          },
          [&](const DestinationPort&) -> std::optional<std::string> {
            return std::to_string(request.port != 0 ? request.port : service.ports.at(0));
          },
      },
      subject);
}

// How well `host` fits a service's host: an exact name beats every wildcard, a longer wildcard a
// shorter one; 0 when it does not fit.
size_t hostFit(const std::string& pattern, std::string_view host) {
  if (!pattern.starts_with("*.")) return pattern == host ? SIZE_MAX : 0;
  const std::string_view suffix = std::string_view(pattern).substr(1);
  return host.size() > suffix.size() && host.ends_with(suffix) ? pattern.size() : 0;
}

struct TestPasses {
  const mesh_request& request;
  std::string_view value;

  bool operator()(const Equals& t) const { return value == t.value; }
  bool operator()(const Prefix& t) const { return value.starts_with(t.value); }
  // The empty value (`path prefix "/"`) passes every path, `*` of `OPTIONS *` too (Policy.h).
  bool operator()(const SegmentPrefix& t) const {
    return t.value.empty() || (value.starts_with(t.value) &&
                               (value.size() == t.value.size() || value[t.value.size()] == '/'));
  }
  bool operator()(const Suffix& t) const { return value.ends_with(t.value); }
  bool operator()(const Regex& t) const {
    return request.regex != nullptr && request.regex->full_match(request.regex->context, t.index,
                                                                 value.data(), value.size()) != 0;
  }
  bool operator()(const Present&) const { return true; }
};

bool conjunctionHolds(const Conjunction& conjunction, const Service& service,
                      const mesh_request& request) {
  for (const Predicate& predicate : conjunction) {
    if (!predicateHolds(predicate, service, request)) return false;
  }
  return true;
}

bool ruleMatches(const Rule& rule, const Service& service, const mesh_request& request) {
  for (const Conjunction& conjunction : rule.anyOf) {
    if (conjunctionHolds(conjunction, service, request)) return true;
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
  uint32_t operator()(const ExperimentTarget&) const { return MESH_EXPERIMENT_CLUSTER; }
};

}  // namespace

bool predicateHolds(const Predicate& predicate, const Service& service,
                    const mesh_request& request) {
  const std::optional<std::string> value = subjectValue(predicate.subject, service, request);
  const bool passes = value.has_value() && std::visit(TestPasses{request, *value}, predicate.test);
  return passes != predicate.negated;
}

int32_t findService(const Module& module, const mesh_request& request) {
  const std::string_view host = view(request.host);
  int32_t best = -1;
  size_t bestFit = 0;
  for (uint32_t s = 0; s < module.routableServices; ++s) {
    for (const std::string& pattern : module.services[s].hosts) {
      const size_t fit = hostFit(pattern, host);
      if (fit > bestFit) {
        best = static_cast<int32_t>(s);
        bestFit = fit;
      }
    }
  }
  if (best < 0 || request.port == 0) return best;
  const std::vector<uint32_t>& ports = module.services[static_cast<uint32_t>(best)].ports;
  return std::find(ports.begin(), ports.end(), request.port) != ports.end() ? best : -1;
}

uint32_t evaluateRoute(const Module& module, const mesh_request& request,
                       mesh_route_decision& decision) {
  const int32_t found = findService(module, request);
  if (found < 0) return MESH_ROUTE_NO_SERVICE;
  const auto s = static_cast<uint32_t>(found);
  const Service& service = module.services[s];
  for (uint32_t r = 0; r < service.rules.size(); ++r) {
    const Rule& rule = service.rules[r];
    if (!ruleMatches(rule, service, request)) continue;
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
