#include "diff/PolicyDiff.h"

#include <map>
#include <set>
#include <stdexcept>
#include <tuple>

#include "diff/FieldConstraints.h"
#include "ir/Evaluator.h"
#include "ir/Printer.h"
#include "policy/RegexSet.h"
#include "support/Overloaded.h"
#include "support/Text.h"

namespace meshc::diff {
namespace {

// How a request ends at one host: its target shares by cluster name and its settings, or 404.
struct Outcome {
  bool routed = false;
  std::map<std::string, uint32_t> shares;  // empty for a rule without backends
  uint64_t timeoutMs = 0;
  // Mirrored clusters by name (cluster indices differ between the two modules) -> weight.
  std::map<std::string, uint32_t> mirrors;
  std::vector<std::string> settings;  // every other action, as the IR dump writes it

  bool operator==(const Outcome&) const = default;

  std::string describe() const {
    if (!routed) return "404 (no route)";
    std::string text;
    if (shares.empty()) {
      text = settings.empty() ? "500 (the rule has no backends)" : "answered by the sidecar";
    } else if (shares.size() == 1) {
      text = "routed to " + shares.begin()->first;
    } else {
      text = "split";
      for (const auto& [cluster, share] : shares) {
        text += (text == "split" ? " " : ", ") + cluster + " " + formatPercent(share);
      }
    }
    if (!shares.empty()) {
      text += timeoutMs == 0 ? ", no timeout" : ", timeout " + formatDuration(timeoutMs);
    }
    for (const auto& [cluster, weight] : mirrors) {
      text += ", mirror " + cluster + " " + formatPercent(weight);
    }
    for (const std::string& setting : settings) text += ", " + setting;
    return text;
  }
};

Outcome outcomeOf(const ir::Module& module, const ir::Rule& rule) {
  Outcome outcome;
  outcome.routed = true;
  std::visit(Overloaded{
                 [&](const ir::Forward& f) {
                   outcome.shares[module.clusters.at(f.cluster).name()] = ir::kWeightTotal;
                 },
                 [&](const ir::Split& s) {
                   for (const ir::WeightedCluster& target : s.targets) {
                     if (target.weight > 0) {
                       outcome.shares[module.clusters.at(target.cluster).name()] += target.weight;
                     }
                   }
                 },
                 [](const ir::NoBackend&) {},
                 [](const ir::ExperimentTarget&) {},  // its Experiment action has the shares
             },
             rule.target);
  for (const ir::Action& action : rule.actions) {
    const auto describe = [&] { outcome.settings.push_back(ir::describe(module, action)); };
    std::visit(Overloaded{
                   [&](const ir::RequestTimeout& t) { outcome.timeoutMs = t.milliseconds; },
                   [&](const ir::RetryPolicy&) { describe(); },
                   [&](const ir::RequestHeaderEdits&) { describe(); },
                   [&](const ir::ResponseHeaderEdits&) { describe(); },
                   [&](const ir::DirectResponse&) { describe(); },
                   [&](const ir::Redirect&) { describe(); },
                   [&](const ir::Rewrite&) { describe(); },
                   [&](const ir::Cors&) { describe(); },
                   [&](const ir::Experiment& e) {
                     // Cluster names, not indices: the two versions may number clusters apart.
                     std::string text = ir::describe(module, action);
                     text = text.substr(0, text.find(" {")) + ":";
                     for (const ir::Variant& variant : e.variants) {
                       const std::string cluster = module.clusters.at(variant.cluster).name();
                       if (variant.weight > 0) outcome.shares[cluster] += variant.weight;
                       text +=
                           " " + variant.name + " " + cluster + " " + formatPercent(variant.weight);
                     }
                     outcome.settings.push_back(text);
                   },
                   [&](const ir::Mirrors& m) {
                     for (const ir::MirrorTarget& target : m.targets) {
                       outcome.mirrors[module.clusters.at(target.cluster).name()] = target.weight;
                     }
                   },
               },
               action);
  }
  return outcome;
}

mesh_str str(const std::string& s) { return mesh_str{s.data(), s.size()}; }

// The rules one version applies to one host and port: none when the workload may not call it
// there. The port is fixed, so each rule's port conditions are decided: a conjunction with one
// that fails is dropped, one that holds drops out. Rules keep their positions.
struct Route {
  const ir::Module* module = nullptr;
  int32_t service = -1;
  std::vector<ir::Rule> rules;
};

Route routeOf(const ir::Module& module, const std::string& host, uint32_t port) {
  Route route;
  route.module = &module;
  mesh_request request{};
  request.host = str(host);
  request.port = port;
  route.service = ir::findService(module, request);
  if (route.service < 0) return route;
  const ir::Service& service = module.services[static_cast<uint32_t>(route.service)];
  for (const ir::Rule& rule : service.rules) {
    ir::Rule folded = rule;
    folded.anyOf.clear();
    for (const ir::Conjunction& conjunction : rule.anyOf) {
      ir::Conjunction kept;
      bool holds = true;
      for (const ir::Predicate& predicate : conjunction) {
        if (!std::holds_alternative<ir::DestinationPort>(predicate.subject)) {
          kept.push_back(predicate);
        } else if (!ir::predicateHolds(predicate, service, request)) {
          holds = false;
        }
      }
      if (holds) folded.anyOf.push_back(std::move(kept));
    }
    route.rules.push_back(std::move(folded));
  }
  return route;
}

// A host a service's host pattern stands for: the name, or for a wildcard one name under it.
std::string exampleHost(const std::string& pattern) {
  return pattern.starts_with("*.") ? "x" + pattern.substr(1) : pattern;
}

// A predicate of one of the two modules, and whether it must hold. The module holds its regexes.
struct Literal {
  const ir::Predicate* first;
  bool second;
  const ir::Module* module;
};

enum class FieldKind { Path, Method, Header, Query };
using FieldKey = std::pair<FieldKind, std::string>;

FieldKey keyOf(const ir::Predicate& predicate) {
  return std::visit(Overloaded{
                        [](const ir::RequestPath&) {
                          return FieldKey{FieldKind::Path, ""};
                        },
                        [](const ir::RequestMethod&) {
                          return FieldKey{FieldKind::Method, ""};
                        },
                        [](const ir::HeaderValue& h) {
                          return FieldKey{FieldKind::Header, h.name};
                        },
                        [](const ir::QueryValue& q) {
                          return FieldKey{FieldKind::Query, q.name};
                        },
                        [](const ir::DestinationPort&) -> FieldKey {
                          throw std::logic_error("a port condition routeOf did not decide");
                        },
                    },
                    predicate.subject);
}

FieldConstraints::Field fieldOf(FieldKind kind) {
  switch (kind) {
    case FieldKind::Path:
      return FieldConstraints::Field::Path;
    case FieldKind::Method:
      return FieldConstraints::Field::Method;
    case FieldKind::Header:
      return FieldConstraints::Field::Header;
    case FieldKind::Query:
      return FieldConstraints::Field::Query;
  }
  throw std::logic_error("unknown field kind");
}

// `literal.second` says whether the predicate holds; a negated predicate holds when its test fails.
void add(const ir::Module& module, FieldConstraints& field, const Literal& literal) {
  const bool passes = literal.second != literal.first->negated;
  std::visit(Overloaded{
                 [&](const ir::Equals& t) { field.equals(t.value, passes); },
                 [&](const ir::Prefix& t) { field.prefix(t.value, passes); },
                 [&](const ir::SegmentPrefix& t) { field.segmentPrefix(t.value, passes); },
                 [&](const ir::Suffix& t) { field.suffix(t.value, passes); },
                 [&](const ir::Regex& t) { field.regex(module.regexes.at(t.index), passes); },
                 [&](const ir::Present&) { field.present(passes); },
             },
             literal.first->test);
}

using Assignment = std::map<FieldKey, FieldConstraints::Witness>;

struct Solved {
  std::optional<Assignment> assignment;  // values for every field the literals mention
  bool undecided = false;                // no assignment, but no proof that none exists either
};

Solved solveLiterals(const std::vector<Literal>& literals) {
  std::map<FieldKey, FieldConstraints> fields;
  for (const Literal& literal : literals) {
    const FieldKey key = keyOf(*literal.first);
    auto it = fields.try_emplace(key, fieldOf(key.first)).first;
    add(*literal.module, it->second, literal);
  }
  Assignment assignment;
  bool undecided = false;
  for (const auto& [key, field] : fields) {
    const FieldConstraints::Solution solution = field.solve();
    switch (solution.kind) {
      case FieldConstraints::Solution::Kind::Satisfiable:
        assignment.emplace(key, solution.witness);
        break;
      case FieldConstraints::Solution::Kind::Unsatisfiable:
        return {};
      case FieldConstraints::Solution::Kind::Undecided:
        undecided = true;
        break;
    }
  }
  if (undecided) return {std::nullopt, true};
  return {std::move(assignment), false};
}

// A conjunction of an earlier rule: a request in the region fails at least one of its predicates.
struct Clause {
  std::vector<const ir::Predicate*> predicates;
  const ir::Module* module;
};

// Finds requests meeting every literal and, for each clause (a conjunction of an earlier rule),
// failing at least one of its conditions. Backtracking over which condition fails, with a node
// budget.
class RegionSearch {
 public:
  static constexpr int kBudget = 200000;

  RegionSearch(std::vector<Literal> literals, std::vector<Clause> clauses)
      : literals_(std::move(literals)), clauses_(std::move(clauses)) {}

  std::optional<Assignment> run() { return search(0); }
  // The search ended without an answer: out of budget, or a field the solver could not decide.
  bool inconclusive() const { return nodes_ > kBudget || undecided_; }

 private:
  std::optional<Assignment> search(size_t clause) {
    if (++nodes_ > kBudget) return std::nullopt;
    Solved current = solveLiterals(literals_);
    if (!current.assignment && !current.undecided) return std::nullopt;  // proven empty
    // Undecided literals may still be refuted by the clauses (a regex required by one rule and
    // excluded by the other's), so the search goes on; only a leaf left undecided is reported.
    if (clause == clauses_.size()) {
      undecided_ = undecided_ || current.undecided;
      return std::move(current.assignment);
    }
    // A condition the current literals already rule out fails for every such request.
    const Clause& clause_ = clauses_[clause];
    for (const ir::Predicate* predicate : clause_.predicates) {
      literals_.push_back({predicate, true, clause_.module});
      const Solved holding = solveLiterals(literals_);
      literals_.pop_back();
      if (!holding.assignment && !holding.undecided) return search(clause + 1);
    }
    for (const ir::Predicate* predicate : clause_.predicates) {
      literals_.push_back({predicate, false, clause_.module});
      std::optional<Assignment> found = search(clause + 1);
      literals_.pop_back();
      if (found || nodes_ > kBudget) return found;
    }
    return std::nullopt;
  }

  std::vector<Literal> literals_;
  std::vector<Clause> clauses_;
  int nodes_ = 0;
  bool undecided_ = false;
};

ExampleRequest exampleOf(const std::string& host, uint32_t port, const Assignment& assignment) {
  ExampleRequest example{"GET", host, port, "/", {}, {}};
  for (const auto& [key, witness] : assignment) {
    switch (key.first) {
      case FieldKind::Path:
        example.path = witness.value;
        break;
      case FieldKind::Method:
        example.method = witness.value;
        break;
      case FieldKind::Header:
        if (!witness.absent) example.headers.emplace_back(key.second, witness.value);
        break;
      case FieldKind::Query:
        if (!witness.absent) example.query.emplace_back(key.second, witness.value);
        break;
    }
  }
  return example;
}

// The reference evaluator's rule for the example: its index in `route`, or rules.size() for none.
size_t evaluatedRule(const Route& route, const ExampleRequest& example) {
  std::vector<mesh_header> headers;
  for (const auto& [name, value] : example.headers) headers.push_back({str(name), str(value)});
  std::vector<mesh_header> query;
  for (const auto& [name, value] : example.query) query.push_back({str(name), str(value)});
  std::vector<const char*> patterns;
  for (const std::string& pattern : route.module->regexes) patterns.push_back(pattern.c_str());
  const mesh::RegexSet regexes(patterns.data(), static_cast<uint32_t>(patterns.size()));
  mesh_request request{};
  request.method = str(example.method);
  request.scheme = str("http");
  request.host = str(example.host);
  request.port = example.port;
  request.path = str(example.path);
  request.query = str("");
  request.source_principal = str("");
  request.source_address = str("");
  request.headers = headers.data();
  request.header_count = headers.size();
  request.query_params = query.data();
  request.query_param_count = query.size();
  request.regex = regexes.matcher();
  mesh_route_decision decision{};
  if (ir::evaluateRoute(*route.module, request, decision) != MESH_ROUTE_MATCHED) {
    return route.rules.size();
  }
  const uint32_t first =
      ir::globalRuleIndex(*route.module, static_cast<uint32_t>(route.service), 0);
  return decision.rule - first;
}

void diffHost(const std::string& workload, const std::string& host, uint32_t port,
              const Route& oldRoute, const Route& newRoute, PolicyDiff& result) {
  const Outcome notRouted;
  for (size_t i = 0; i <= oldRoute.rules.size(); ++i) {
    const bool oldMatched = i < oldRoute.rules.size();
    const Outcome oldOutcome =
        oldMatched ? outcomeOf(*oldRoute.module, oldRoute.rules[i]) : notRouted;
    for (size_t j = 0; j <= newRoute.rules.size(); ++j) {
      const bool newMatched = j < newRoute.rules.size();
      const Outcome newOutcome =
          newMatched ? outcomeOf(*newRoute.module, newRoute.rules[j]) : notRouted;
      if (oldOutcome == newOutcome) continue;
      // The region: requests some conjunction of each deciding rule matches, and no conjunction
      // of an earlier rule of either version does.
      std::vector<Clause> clauses;
      for (const Route* route : {&oldRoute, &newRoute}) {
        const size_t rule = route == &oldRoute ? i : j;
        for (size_t k = 0; k < rule && k < route->rules.size(); ++k) {
          for (const ir::Conjunction& conjunction : route->rules[k].anyOf) {
            Clause& clause = clauses.emplace_back(Clause{{}, route->module});
            for (const ir::Predicate& p : conjunction) clause.predicates.push_back(&p);
          }
        }
      }
      auto choices = [](const Route& route, size_t rule) {
        return rule < route.rules.size() ? route.rules[rule].anyOf.size() : size_t{1};
      };
      std::optional<Assignment> found;
      bool inconclusive = false;
      for (size_t a = 0; a < choices(oldRoute, i) && !found; ++a) {
        for (size_t b = 0; b < choices(newRoute, j) && !found; ++b) {
          std::vector<Literal> literals;
          auto require = [&](const Route& route, size_t rule, size_t conjunction) {
            if (rule >= route.rules.size()) return;
            for (const ir::Predicate& p : route.rules[rule].anyOf[conjunction]) {
              literals.push_back({&p, true, route.module});
            }
          };
          require(oldRoute, i, a);
          require(newRoute, j, b);
          RegionSearch search(std::move(literals), clauses);
          found = search.run();
          inconclusive = inconclusive || search.inconclusive();
        }
      }
      if (!found) {
        if (inconclusive) {
          auto rule = [](const Route& route, size_t index) {
            return index < route.rules.size() ? "rule " + locationText(route.rules[index].loc)
                                              : std::string("no rule");
          };
          result.notes.push_back("workload " + workload + ", host " + quoted(host) + ": " +
                                 rule(oldRoute, i) + " -> " + rule(newRoute, j) +
                                 ": undecided (too many excluded values, or a regex or suffix "
                                 "the analysis cannot solve); these requests may change");
        }
        continue;
      }
      ChangedClass change;
      change.workload = workload;
      change.host = host;
      if (oldMatched) change.oldRule = oldRoute.rules[i].loc;
      if (newMatched) change.newRule = newRoute.rules[j].loc;
      change.oldOutcome = oldOutcome.describe();
      change.newOutcome = newOutcome.describe();
      change.example = exampleOf(host, port, *found);
      if (evaluatedRule(oldRoute, change.example) != i ||
          evaluatedRule(newRoute, change.example) != j) {
        throw std::logic_error(
            "internal error: meshc diff found an example the evaluator "
            "decides differently; please report this with both policies");
      }
      result.changes.push_back(std::move(change));
    }
  }
}

}  // namespace

PolicyDiff diffPolicies(const std::vector<ir::Module>& oldModules,
                        const std::vector<ir::Module>& newModules, const std::string& workload) {
  PolicyDiff result;
  std::map<std::string, std::pair<const ir::Module*, const ir::Module*>> workloads;
  for (const ir::Module& m : oldModules) workloads[m.workload].first = &m;
  for (const ir::Module& m : newModules) workloads[m.workload].second = &m;
  if (!workload.empty() && workloads.count(workload) == 0) {
    throw std::invalid_argument("no workload named " + quoted(workload) + " in either policy");
  }
  for (const auto& [name, pair] : workloads) {
    if (!workload.empty() && name != workload) continue;
    const auto [oldModule, newModule] = pair;
    if (oldModule == nullptr || newModule == nullptr) {
      result.notes.push_back("workload " + name + " is only in the " +
                             (oldModule == nullptr ? "new" : "old") + " policy");
      continue;
    }
    // Every host either version answers to, on every port either declares for it, and without
    // a port (its service's main port, which may differ between the versions).
    std::map<std::string, std::set<uint32_t>> hosts;
    for (const ir::Module* m : {oldModule, newModule}) {
      for (uint32_t s = 0; s < m->routableServices; ++s) {
        for (const std::string& pattern : m->services[s].hosts) {
          std::set<uint32_t>& ports = hosts[exampleHost(pattern)];
          ports.insert(0);
          ports.insert(m->services[s].ports.begin(), m->services[s].ports.end());
        }
      }
    }
    // Hosts and ports that reach the same services at the same destination ports are the same
    // requests to the rules: the first (the shortest name) stands for them all.
    std::set<std::tuple<int32_t, uint32_t, int32_t, uint32_t>> seen;
    auto destination = [](const Route& route, uint32_t port) {
      if (route.service < 0 || port != 0) return port;
      return route.module->services[static_cast<uint32_t>(route.service)].ports.at(0);
    };
    for (const auto& [host, ports] : hosts) {
      for (uint32_t port : ports) {
        const Route oldRoute = routeOf(*oldModule, host, port);
        const Route newRoute = routeOf(*newModule, host, port);
        if (oldRoute.service < 0 && newRoute.service < 0) continue;
        const auto key = std::make_tuple(oldRoute.service, destination(oldRoute, port),
                                         newRoute.service, destination(newRoute, port));
        if (!seen.insert(key).second) continue;
        diffHost(name, host, port, oldRoute, newRoute, result);
      }
    }
  }
  return result;
}

}  // namespace meshc::diff
