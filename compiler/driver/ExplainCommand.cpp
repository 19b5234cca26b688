#include "driver/ExplainCommand.h"

#include <algorithm>
#include <iostream>
#include <memory>
#include <optional>
#include <stdexcept>

#include "codegen/Codegen.h"
#include "core/ModuleCheck.h"
#include "driver/Frontend.h"
#include "driver/Pipeline.h"
#include "driver/Report.h"
#include "ir/Printer.h"
#include "policy/RegexSet.h"
#include "policytest/Explain.h"
#include "policytest/RequestSpec.h"
#include "policytest/RuleEffects.h"
#include "support/Overloaded.h"
#include "support/Text.h"

namespace meshc::driver {
namespace {

policytest::RequestSpec parseSpec(const ExplainOptions& options) {
  policytest::RequestSpec spec;
  const size_t space = options.request.find(' ');
  if (space == std::string::npos || space == 0 || space + 1 == options.request.size()) {
    throw std::invalid_argument("--request takes \"METHOD URL\", e.g. \"GET http://reviews/r/1\"");
  }
  spec.method = options.request.substr(0, space);
  spec.url = options.request.substr(space + 1);
  // The checks a test request's URL gets (E0606), as a usage error here.
  if (!isRequestUrl(spec.url)) {
    throw std::invalid_argument("--request: malformed URL " + quoted(spec.url) +
                                "; write it as \"http://SERVICE/path?query\" or \"/path\" with "
                                "-H \"host: SERVICE\"");
  }
  for (const std::string& header : options.headers) {
    const size_t colon = header.find(':');
    if (colon == std::string::npos || colon == 0) {
      throw std::invalid_argument("-H takes \"Name: value\", got " + quoted(header));
    }
    std::string value = header.substr(colon + 1);
    value.erase(0, value.find_first_not_of(" \t"));
    spec.headers.emplace_back(header.substr(0, colon), value);
  }
  spec.principal = options.principal;
  return spec;
}

// The deciding rule's actions in written order, but for its timeout (the settings line), its
// retries (their own line) and its answer (the decision line).
void printActions(const ir::Module& module, const ir::Rule& rule) {
  std::string text;
  for (const ir::Action& action : rule.actions) {
    const bool shown = std::visit(Overloaded{
                                      [](const ir::RequestTimeout&) { return false; },
                                      [](const ir::RetryPolicy&) { return false; },
                                      [](const ir::RequestHeaderEdits&) { return true; },
                                      [](const ir::ResponseHeaderEdits&) { return true; },
                                      [](const ir::DirectResponse&) { return false; },
                                      [](const ir::Redirect&) { return false; },
                                      [](const ir::Rewrite&) { return true; },
                                      [](const ir::Cors&) { return true; },
                                      // Their own lines: the mirrors with this request's draws,
                                      // the variant and what decided it.
                                      [](const ir::Mirrors&) { return false; },
                                      [](const ir::Experiment&) { return false; },
                                  },
                                  action);
    if (shown) text += (text.empty() ? "" : "; ") + ir::describe(module, action);
  }
  if (!text.empty()) std::cout << "actions: " << text << "\n";
}

// What the rule does to this request, computed by the sidecar's own code.
void printEffects(const policytest::RuleEffects& effects) {
  if (effects.location) std::cout << "Location: " << *effects.location << "\n";
  if (effects.upstream) {
    const auto host = effects.upstream->headers.value("host");
    std::cout << "upstream request: " << effects.upstream->target << ", host "
              << (host ? quoted(*host) : std::string("none")) << "\n";
  }
}

void print(const ir::Module& module, const policytest::Explanation& explanation,
           const std::optional<policytest::RuleEffects>& effects) {
  if (explanation.service < 0) {
    std::cout << "no service: host " << quoted(explanation.host)
              << (explanation.port != 0 ? " on port " + std::to_string(explanation.port) : "")
              << " reaches none of the services workload " << module.workload << " may call\n";
  } else {
    const ir::Service& service = module.services[static_cast<size_t>(explanation.service)];
    std::cout << "service " << service.name << "  (" << locationText(service.loc) << ")\n";
    for (const policytest::RuleTrace& rule : explanation.rules) {
      std::cout << "  rule #" << rule.index << "  " << locationText(rule.loc) << "  "
                << (rule.matched ? "MATCH" : "no match") << "\n";
      if (rule.groups.empty()) {
        std::cout << "    never  (its source conditions exclude workload " << module.workload
                  << ")\n";
      }
      for (size_t g = 0; g < rule.groups.size(); ++g) {
        const policytest::GroupTrace& group = rule.groups[g];
        // With several groups, each is a block of its own: `or` joins them, `and` their lines.
        const char* indent = rule.groups.size() > 1 ? "      " : "    ";
        if (rule.groups.size() > 1) {
          std::cout << "    " << (g == 0 ? "either" : "or") << "  "
                    << (group.holds ? "(holds)" : "(fails)") << "\n";
        }
        if (group.conditions.empty()) {
          std::cout << indent << "yes  (no conditions: matches every request)\n";
        }
        for (const policytest::ConditionTrace& condition : group.conditions) {
          std::cout << indent << (condition.holds ? "yes  " : "no   ") << condition.condition
                    << "  (" << condition.seen << ")\n";
        }
      }
    }
    if (explanation.rulesNotTried > 0) {
      std::cout << "  (" << explanation.rulesNotTried << " later "
                << (explanation.rulesNotTried == 1 ? "rule" : "rules") << " not tried)\n";
    }
  }
  const policytest::Outcome& outcome = explanation.outcome;
  std::cout << "decision: " << explanation.destination;
  switch (outcome.kind) {
    case policytest::Outcome::Kind::Routed:
      std::cout << " by the rule at " << outcome.settings.location << "\n";
      if (outcome.assignment) {
        std::cout << "  " << policytest::describeAssignment(outcome) << "\n";
      } else if (outcome.shares.size() > 1) {
        std::cout << "  this request's own draw: "
                  << module.clusters.at(explanation.drawnCluster).name() << "\n";
      }
      std::cout << "settings: " << policytest::describeTimeout(outcome.settings.timeoutMs) << "\n";
      if (const ir::RetryPolicy* retry =
              policytest::retryPolicyOf(*ir::ruleAt(module, outcome.rule))) {
        std::cout << "retry: " << policytest::describeRetries(*retry) << "\n";
      }
      if (!outcome.settings.mirrors.empty()) {
        std::cout << "mirrors: " << policytest::describeMirrors(module, outcome.settings)
                  << "\n  this request's own draws: ";
        std::string drawn;
        for (const uint32_t cluster : explanation.drawnMirrors) {
          drawn += (drawn.empty() ? "" : ", ") + module.clusters.at(cluster).name();
        }
        std::cout << (drawn.empty() ? "no copy" : "copies to " + drawn) << "\n";
      }
      printActions(module, *ir::ruleAt(module, outcome.rule));
      break;
    case policytest::Outcome::Kind::Answered:
      std::cout << " by the rule at " << outcome.settings.location << "\n";
      printActions(module, *ir::ruleAt(module, outcome.rule));
      break;
    case policytest::Outcome::Kind::NoService:
    case policytest::Outcome::Kind::NoRule:
      std::cout << "\n";
      break;
  }
  if (effects) printEffects(*effects);
}

}  // namespace

int runExplain(const ExplainOptions& options) {
  try {
    const policytest::RequestSpec spec = parseSpec(options);
    CheckedPolicy checked = loadPolicy(options.input);
    if (!reportDiagnostics(checked, options.report)) return 1;
    std::vector<ir::Module> modules = lowerAndVerify(checked);
    const auto module = std::find_if(modules.begin(), modules.end(), [&](const ir::Module& m) {
      return m.workload == options.workload;
    });
    if (module == modules.end()) {
      throw std::invalid_argument("no workload named " + quoted(options.workload) + " in " +
                                  options.input);
    }
    const std::unique_ptr<codegen::JitModule> jit = codegen::JitModule::create(*module);
    if (const std::string problem = mesh::checkModule(jit->module()); !problem.empty()) {
      throw std::logic_error("internal error: the sidecar would refuse the module: " + problem);
    }
    const mesh::RuleTable rules(jit->module());
    const mesh::RegexSet regexes(jit->module().regexes, jit->module().regex_count);
    policytest::SpecRequest builder(jit->module(), regexes.matcher());
    mesh_request request;
    if (const mesh::RequestProblem problem = builder.build(spec, request);
        problem != mesh::RequestProblem::kNone) {
      std::cout << "decision: 400 from the sidecar: " << mesh::describe(problem) << "\n";
      return 0;
    }
    request.seed = options.seed;
    std::cout << "request " << spec.method << " " << spec.url << " from " << module->workload
              << " (policy " << checked.digest.substr(0, 19) << "...)\n";
    const policytest::Explanation explanation =
        policytest::explain(*module, jit->module(), rules, request);
    std::optional<policytest::RuleEffects> effects;
    if (explanation.outcome.kind == policytest::Outcome::Kind::Routed ||
        explanation.outcome.kind == policytest::Outcome::Kind::Answered) {
      effects = policytest::ruleEffects(explanation.outcome, request, builder.forwarded(),
                                        builder.headers());
    }
    print(*module, explanation, effects);
    // The trace comes from the evaluator's tests, the decision from the compiled code.
    const bool traced = !explanation.rules.empty() && explanation.rules.back().matched;
    // A rule decided the request: it forwards, or the sidecar answers for it.
    const bool routed = explanation.outcome.kind == policytest::Outcome::Kind::Routed ||
                        explanation.outcome.kind == policytest::Outcome::Kind::Answered;
    if (traced != routed || (routed && std::string(explanation.outcome.settings.location) !=
                                           locationText(explanation.rules.back().loc))) {
      std::cerr << "meshc: internal error: the trace and the compiled decision differ; please "
                   "report this with the policy file\n";
      return 2;
    }
    std::cout << "compiled code and reference evaluator agree"
              << (routed && explanation.outcome.shares.size() > 1 && !explanation.outcome.assignment
                      ? " on all 10000 split tickets"
                      : "")
              << "\n";
    return 0;
  } catch (const std::exception& e) {
    std::cerr << "meshc: " << e.what() << "\n";
    return 2;
  }
}

}  // namespace meshc::driver
