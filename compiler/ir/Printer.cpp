#include "ir/Printer.h"

#include "support/Text.h"

namespace meshc::ir {
namespace {

std::string at(const SourceLoc& loc) {
  return "  ; line " + std::to_string(loc.line) + ":" + std::to_string(loc.column);
}

struct PredicateText {
  std::string operator()(const PathExact& p) const { return "path == " + quoted(p.value); }
  std::string operator()(const PathPrefix& p) const { return "path prefix " + quoted(p.value); }
  std::string operator()(const MethodIs& p) const { return "method == " + quoted(p.value); }
  std::string operator()(const HeaderEquals& p) const {
    return "header " + quoted(p.name) + " == " + quoted(p.value);
  }
  std::string operator()(const HeaderPrefix& p) const {
    return "header " + quoted(p.name) + " prefix " + quoted(p.value);
  }
  std::string operator()(const HeaderPresent& p) const {
    return "header " + quoted(p.name) + " present";
  }
};

struct TargetText {
  const Module& module;

  std::string operator()(const Forward& f) const {
    return "forward #" + std::to_string(f.cluster) + " " + module.clusters[f.cluster].name();
  }
  std::string operator()(const Split& s) const {
    std::string out = "split {";
    for (size_t i = 0; i < s.targets.size(); ++i) {
      const WeightedCluster& target = s.targets[i];
      out += (i == 0 ? " #" : ", #") + std::to_string(target.cluster) + " " +
             module.clusters[target.cluster].name() + " " + formatPercent(target.weight);
    }
    return out + " }";
  }
};

struct ActionText {
  std::string operator()(const RequestTimeout& t) const {
    return "timeout " + std::to_string(t.milliseconds) + "ms";
  }
};

}  // namespace

std::string describe(const Predicate& predicate) { return std::visit(PredicateText{}, predicate.kind); }

std::string print(const Module& module) {
  std::string out = "module workload=" + module.workload + " mesh=" + module.meshName +
                    " digest=" + module.digest + "\n";
  out += "  local service=" + std::to_string(module.localService) +
         " cluster=" + std::to_string(module.localCluster) +
         " routable=" + std::to_string(module.routableServices) + "\n";
  for (size_t c = 0; c < module.clusters.size(); ++c) {
    const Cluster& cluster = module.clusters[c];
    out += "  cluster #" + std::to_string(c) + " " + cluster.name() + " service=#" +
           std::to_string(cluster.serviceIndex) + " endpoints=[";
    for (size_t e = 0; e < cluster.endpoints.size(); ++e) {
      out += (e == 0 ? "" : ", ") + quoted(cluster.endpoints[e]);
    }
    out += "]\n";
  }
  for (size_t s = 0; s < module.services.size(); ++s) {
    const Service& service = module.services[s];
    out += "  service #" + std::to_string(s) + " " + service.name +
           " port=" + std::to_string(service.port) + at(service.loc) + "\n";
    for (size_t r = 0; r < service.rules.size(); ++r) {
      const Rule& rule = service.rules[r];
      out += "    rule #" + std::to_string(r) + " (global #" +
             std::to_string(
                 globalRuleIndex(module, static_cast<uint32_t>(s), static_cast<uint32_t>(r))) +
             ")" + at(rule.loc) + "\n";
      for (const Predicate& predicate : rule.conditions) {
        out += "      if " + describe(predicate) + "\n";
      }
      out += "      then " + std::visit(TargetText{module}, rule.target) + "\n";
      for (const Action& action : rule.actions) {
        out += "      with " + std::visit(ActionText{}, action) + "\n";
      }
    }
  }
  return out;
}

}  // namespace meshc::ir
