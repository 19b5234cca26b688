#include "policytest/Outcome.h"

#include "ir/DrawInverse.h"
#include "ir/Evaluator.h"
#include "ir/Printer.h"
#include "policy/Cors.h"
#include "support/Overloaded.h"
#include "support/Text.h"

namespace meshc::policytest {
namespace {

struct Call {
  uint32_t status = 0;
  mesh_route_decision decision{};
};

Call callCompiled(const mesh_module& compiled, const mesh_request& request) {
  Call call;
  call.status = compiled.route(&request, &call.decision);
  return call;
}

Call callEvaluator(const ir::Module& policy, const mesh_request& request) {
  Call call;
  call.status = ir::evaluateRoute(policy, request, call.decision);
  return call;
}

bool same(const Call& a, const Call& b) {
  if (a.status != b.status) return false;
  return a.status != MESH_ROUTE_MATCHED ||
         (a.decision.rule == b.decision.rule && a.decision.cluster == b.decision.cluster);
}

std::string describe(const Call& call) {
  if (call.status != MESH_ROUTE_MATCHED) return "status " + std::to_string(call.status);
  return "rule " + std::to_string(call.decision.rule) + ", cluster " +
         std::to_string(call.decision.cluster);
}

// Both implementations, and a loud failure if they differ.
Call callBoth(const ir::Module& policy, const mesh_module& compiled, const mesh_request& request) {
  const Call fromCode = callCompiled(compiled, request);
  const Call fromEvaluator = callEvaluator(policy, request);
  if (!same(fromCode, fromEvaluator)) {
    throw DisagreementError("internal error: the compiled policy decided " + describe(fromCode) +
                            " but the reference evaluator decided " + describe(fromEvaluator) +
                            " (seed " + std::to_string(request.seed) +
                            "); please report this with the policy file");
  }
  return fromCode;
}

// The runtime's own assignment (policy/Experiment), on the request as given; when its random draw
// decides, on every draw ticket.
void assignVariants(Outcome& outcome, mesh_request& request) {
  if (!outcome.settings.experiment) throw std::logic_error("an experiment rule without one");
  const mesh::Experiment& experiment = *outcome.settings.experiment;
  const mesh::VariantAssignment assignment = mesh::assignVariant(experiment, request);
  outcome.assignment = assignment;
  auto count = [&](uint32_t variant, uint32_t share) {
    outcome.variants[std::string(experiment.variants.at(variant).name)] += share;
    outcome.shares[experiment.variants.at(variant).cluster] += share;
  };
  if (assignment.basis != mesh::VariantAssignment::Basis::kDraw) {
    count(assignment.variant, ir::kWeightTotal);
    return;
  }
  for (uint64_t ticket = 0; ticket < ir::kWeightTotal; ++ticket) {
    request.seed = ir::seedForDraw(MESH_DRAW_EXPERIMENT, ticket);
    count(mesh::assignVariant(experiment, request).variant, 1);
  }
}

}  // namespace

std::string describeAssignment(const Outcome& outcome) {
  if (!outcome.assignment || !outcome.settings.experiment) return "";
  const mesh::Experiment& experiment = *outcome.settings.experiment;
  const mesh::VariantAssignment& a = *outcome.assignment;
  std::string text = "experiment " + std::string(experiment.name) + ": ";
  switch (a.basis) {
    case mesh::VariantAssignment::Basis::kCookie:
      text += "variant " + std::string(experiment.variants.at(a.variant).name) +
              ", from the assignment cookie " + quoted(std::string(experiment.cookie));
      break;
    case mesh::VariantAssignment::Basis::kStickyKey: {
      std::string key;
      switch (experiment.sticky) {
        case mesh::Experiment::Sticky::kNone:
          break;
        case mesh::Experiment::Sticky::kHeader:
          key = "header " + quoted(std::string(experiment.stickyName));
          break;
        case mesh::Experiment::Sticky::kCookie:
          key = "cookie " + quoted(std::string(experiment.stickyName));
          break;
        case mesh::Experiment::Sticky::kConstant:
          key = "the caller's principal";
          break;
      }
      text += "variant " + std::string(experiment.variants.at(a.variant).name) + ", by " + key +
              " = " + quoted(std::string(a.key)) + " (ticket " + std::to_string(a.ticket) + ")";
      break;
    }
    case mesh::VariantAssignment::Basis::kDraw: {
      text += "no sticky key, a random draw:";
      for (const auto& [name, share] : outcome.variants) {
        text += " " + name + " " + formatPercent(share);
      }
      break;
    }
  }
  if (a.setsCookie) {
    text += "; the response sets cookie " + quoted(std::string(experiment.cookie));
  }
  return text;
}

Outcome decide(const ir::Module& policy, const mesh_module& compiled, const mesh::RuleTable& rules,
               mesh_request& request) {
  request.seed = ir::seedForDraw(MESH_DRAW_SPLIT, 0);
  const Call first = callBoth(policy, compiled, request);
  Outcome outcome;
  switch (first.status) {
    case MESH_ROUTE_NO_SERVICE:
      outcome.kind = Outcome::Kind::NoService;
      return outcome;
    case MESH_ROUTE_NO_RULE:
      outcome.kind = Outcome::Kind::NoRule;
      return outcome;
    default:
      break;  // matched (both implementations agreed on the status, so it is one they share)
  }
  outcome.kind = Outcome::Kind::Routed;
  outcome.rule = first.decision.rule;
  if (outcome.rule >= rules.size()) throw std::logic_error("route() returned an unknown rule");
  outcome.settings = rules[outcome.rule];
  const ir::Rule& rule = *ir::ruleAt(policy, outcome.rule);
  // As the sidecar does (OutboundRouter): the preflight is answered whatever else the rule does.
  if (outcome.settings.cors && mesh::isPreflight(mesh::corsRequestOf(request))) {
    outcome.kind = Outcome::Kind::Answered;
    outcome.answerStatus = 200;
    outcome.preflight = true;
    return outcome;
  }
  if (std::holds_alternative<ir::NoBackend>(rule.target)) {
    outcome.kind = Outcome::Kind::Answered;
    outcome.answerStatus = 500;
    for (const ir::Action& action : rule.actions) {
      std::visit(Overloaded{
                     [](const ir::RequestTimeout&) {},
                     [](const ir::RetryPolicy&) {},
                     [](const ir::RequestHeaderEdits&) {},
                     [](const ir::ResponseHeaderEdits&) {},
                     [&](const ir::DirectResponse& d) { outcome.answerStatus = d.status; },
                     [&](const ir::Redirect& r) { outcome.answerStatus = r.status; },
                     [](const ir::Rewrite&) {},
                     [](const ir::Cors&) {},
                     [](const ir::Experiment&) {},
                     [](const ir::Mirrors&) {},
                 },
                 action);
    }
    return outcome;
  }
  if (std::holds_alternative<ir::ExperimentTarget>(rule.target)) {
    assignVariants(outcome, request);
    return outcome;
  }
  const bool splits = std::visit(Overloaded{
                                     [](const ir::Forward&) { return false; },
                                     [](const ir::Split&) { return true; },
                                     [](const ir::NoBackend&) { return false; },
                                     [](const ir::ExperimentTarget&) { return false; },
                                 },
                                 rule.target);
  if (!splits) {
    outcome.shares[first.decision.cluster] = ir::kWeightTotal;
    return outcome;
  }
  for (uint64_t ticket = 0; ticket < ir::kWeightTotal; ++ticket) {
    request.seed = ir::seedForDraw(MESH_DRAW_SPLIT, ticket);
    const Call call = callBoth(policy, compiled, request);
    if (call.status != MESH_ROUTE_MATCHED || call.decision.rule != outcome.rule) {
      throw DisagreementError("internal error: the split's draw changed which rule matched");
    }
    ++outcome.shares[call.decision.cluster];
  }
  return outcome;
}

// "200 from the sidecar: the CORS preflight of policy web, from an allowed origin".
static std::string describePreflight(const ir::Module& policy, const mesh_request& request,
                                     const Outcome& outcome) {
  std::string name;
  for (const ir::Action& action : ir::ruleAt(policy, outcome.rule)->actions) {
    if (const auto* cors = std::get_if<ir::Cors>(&action)) name = cors->name;
  }
  const mesh::CorsRequest cors = mesh::corsRequestOf(request);
  const bool allowed = mesh::originAllowed(*outcome.settings.cors, cors.origin);
  return "200 from the sidecar: the CORS preflight of policy " + name + ", " +
         (allowed ? "from an allowed origin" : "from an origin it does not allow (no CORS fields)");
}

// "301: redirect 301 path \"/new\"", "200: respond 200 \"ok\"", "500: the rule has no backends".
static std::string describeAnswer(const ir::Module& policy, const mesh_request& request,
                                  const Outcome& outcome) {
  if (outcome.preflight) return describePreflight(policy, request, outcome);
  for (const ir::Action& action : ir::ruleAt(policy, outcome.rule)->actions) {
    const bool answers = std::visit(Overloaded{
                                        [](const ir::RequestTimeout&) { return false; },
                                        [](const ir::RetryPolicy&) { return false; },
                                        [](const ir::RequestHeaderEdits&) { return false; },
                                        [](const ir::ResponseHeaderEdits&) { return false; },
                                        [](const ir::DirectResponse&) { return true; },
                                        [](const ir::Redirect&) { return true; },
                                        [](const ir::Rewrite&) { return false; },
                                        [](const ir::Cors&) { return false; },
                                        [](const ir::Experiment&) { return false; },
                                        [](const ir::Mirrors&) { return false; },
                                    },
                                    action);
    if (answers) {
      return std::to_string(outcome.answerStatus) +
             " from the sidecar: " + ir::describe(policy, action);
    }
  }
  return "500 from the sidecar: the rule has no backends";
}

std::string describeDestination(const ir::Module& policy, const mesh_request& request,
                                const Outcome& outcome) {
  const std::string host(request.host.data, request.host.len);
  switch (outcome.kind) {
    case Outcome::Kind::NoService:
      return "404: host " +
             quoted(request.port != 0 ? host + ":" + std::to_string(request.port) : host) +
             " is not a service workload " + policy.workload + " may call";
    case Outcome::Kind::NoRule:
      return "404: no rule of service " + quoted(host) + " matches";
    case Outcome::Kind::Answered:
      return describeAnswer(policy, request, outcome);
    case Outcome::Kind::Routed:
      break;
  }
  if (outcome.shares.size() == 1) {
    return "routed to " + policy.clusters.at(outcome.shares.begin()->first).name();
  }
  std::string text = "split";
  for (const auto& [cluster, share] : outcome.shares) {
    text += (text == "split" ? " " : ", ") + policy.clusters.at(cluster).name() + " " +
            formatPercent(share);
  }
  return text;
}

std::string describeTimeout(uint64_t ms) {
  return ms == 0 ? "no timeout" : "timeout " + formatDuration(ms);
}

const ir::RetryPolicy* retryPolicyOf(const ir::Rule& rule) {
  for (const ir::Action& action : rule.actions) {
    if (const auto* retry = std::get_if<ir::RetryPolicy>(&action)) return retry;
  }
  return nullptr;
}

std::string describeRetries(const ir::RetryPolicy& retry) {
  std::string text = std::to_string(retry.attempts) +
                     (retry.attempts == 1 ? " attempt on " : " attempts on ") +
                     ir::retryConditions(retry);
  if (retry.perTryTimeoutMs != 0) text += "; per try " + formatDuration(retry.perTryTimeoutMs);
  text += "; backoff " + formatDuration(retry.backoffBaseMs) + ".." +
          formatDuration(retry.backoffMaxMs) + "; budget " + formatPercent(retry.budget);
  return retry.nonIdempotent ? text + "; every method" : text;
}

std::string describeMirrors(const ir::Module& policy, const mesh::RuleSettings& settings) {
  std::string text;
  for (const mesh::Mirror& mirror : settings.mirrors) {
    text += (text.empty() ? "" : ", ") + policy.clusters.at(mirror.cluster).name() + " " +
            formatPercent(mirror.weight);
  }
  return text;
}

}  // namespace meshc::policytest
