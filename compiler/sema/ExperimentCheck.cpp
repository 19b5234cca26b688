// A/B experiments: their variants, sticky keys and assignment cookies, and the rules that use them.

#include <map>
#include <set>

#include "sema/Checks.h"
#include "sema/RepeatedStatements.h"
#include "support/Overloaded.h"
#include "support/Suggest.h"
#include "support/Text.h"

namespace meshc::sema {
namespace {

void checkVariants(const ast::Service& service, const ast::Experiment& experiment,
                   Diagnostics& diagnostics) {
  const std::string& name = experiment.name.name;
  if (experiment.variants.empty()) {
    diagnostics.error(
        DiagnosticCode::ExperimentWithoutVariants, experiment.name.loc,
        "experiment '" + name + "' has no variants; add e.g. 'variant control 50% => v1;'");
    return;
  }
  std::map<std::string, SourceLoc> seen;
  uint64_t total = 0;
  bool malformed = false;
  for (const ast::ExperimentVariant& variant : experiment.variants) {
    const auto [it, inserted] = seen.emplace(variant.name.name, variant.name.loc);
    if (!inserted) {
      diagnostics.error(
          DiagnosticCode::DuplicateExperiment, variant.name.loc,
          "duplicate variant '" + variant.name.name + "' in experiment '" + name + "'");
      diagnostics.note(it->second, "first declared here");
    }
    if (SymbolTable::subset(service, variant.subset.name) == nullptr) {
      diagnostics.error(
          DiagnosticCode::UnknownSubset, variant.subset.loc,
          "unknown subset '" + variant.subset.name + "' of service '" + service.name.name + "'; " +
              suggestion(variant.subset.name, SymbolTable::subsetNames(service), "subsets"));
    }
    total += variant.weight.basisPoints;
    malformed = malformed || variant.weight.malformed;
  }
  if (!malformed && total != 10000) {
    diagnostics.error(DiagnosticCode::SplitWeightsTotal, experiment.name.loc,
                      "the variants of experiment '" + name + "' weigh " + formatPercent(total) +
                          " in all; they must total exactly 100%");
  }
}

void checkKeys(const ast::Experiment& experiment, Diagnostics& diagnostics) {
  atMostOnce(experiment.stickyKeys, "sticky key", diagnostics,
             [](const ast::StickyKey& key) { return key.loc; });
  atMostOnce(experiment.cookies, "assignment cookie", diagnostics,
             [](const ast::AssignmentCookie& cookie) { return cookie.loc; });
  for (const ast::StickyKey& key : experiment.stickyKeys) {
    switch (key.kind) {
      case ast::StickyKey::Kind::Header:
        if (isHttpToken(key.name.value)) break;
        diagnostics.error(DiagnosticCode::InvalidHeaderName, key.name.loc,
                          "invalid header name " + quoted(key.name.value) +
                              "; header names are non-empty and use letters, digits and "
                              "!#$%&'*+-.^_`|~");
        break;
      case ast::StickyKey::Kind::Cookie:
        if (isHttpToken(key.name.value)) break;
        diagnostics.error(DiagnosticCode::InvalidCookie, key.name.loc,
                          "invalid cookie name " + quoted(key.name.value) +
                              "; cookie names are HTTP tokens: letters, digits and "
                              "!#$%&'*+-.^_`|~");
        break;
      case ast::StickyKey::Kind::Principal:
        break;
    }
  }
  for (const ast::AssignmentCookie& cookie : experiment.cookies) {
    if (!isHttpToken(cookie.name.value)) {
      diagnostics.error(DiagnosticCode::InvalidCookie, cookie.name.loc,
                        "invalid cookie name " + quoted(cookie.name.value) +
                            "; cookie names are HTTP tokens: letters, digits and "
                            "!#$%&'*+-.^_`|~");
    }
    // Max-Age counts seconds (RFC 6265), and a cookie that expires at once keeps nothing.
    if (cookie.maxAge && !cookie.maxAge->malformed &&
        (cookie.maxAge->milliseconds < 1000 || cookie.maxAge->milliseconds % 1000 != 0)) {
      diagnostics.error(DiagnosticCode::InvalidCookie, cookie.maxAge->loc,
                        "a cookie's max age is a whole number of seconds, at least 1s; " +
                            cookie.maxAge->text + " is not");
    }
  }
}

}  // namespace

void checkExperiments(const ast::Policy& policy, Diagnostics& diagnostics) {
  for (const ast::Service& service : policy.services) {
    const std::vector<std::string> names =
        declaredOnce(service.experiments, DiagnosticCode::DuplicateExperiment, "experiment",
                     service.name.name, diagnostics);
    for (const ast::Experiment& experiment : service.experiments) {
      checkVariants(service, experiment, diagnostics);
      checkKeys(experiment, diagnostics);
    }
    for (const ast::Route& route : service.routes) {
      for (const ast::RouteRule& rule : route.rules) {
        const auto* target = std::get_if<ast::ExperimentTarget>(&rule.target);
        if (target == nullptr || std::count(names.begin(), names.end(), target->experiment.name)) {
          continue;
        }
        diagnostics.error(DiagnosticCode::UnknownExperiment, target->experiment.loc,
                          "unknown experiment '" + target->experiment.name + "' of service '" +
                              service.name.name + "'; " +
                              suggestion(target->experiment.name, names, "experiments"));
      }
    }
  }
}

void lintExperiments(const ast::Policy& policy, Diagnostics& diagnostics) {
  for (const ast::Service& service : policy.services) {
    std::set<std::string> used;
    for (const ast::Route& route : service.routes) {
      for (const ast::RouteRule& rule : route.rules) {
        if (const auto* t = std::get_if<ast::ExperimentTarget>(&rule.target)) {
          used.insert(t->experiment.name);
        }
      }
    }
    for (const ast::Experiment& experiment : service.experiments) {
      if (used.count(experiment.name.name) > 0) continue;
      diagnostics.warning(DiagnosticCode::UnusedExperiment, experiment.name.loc,
                          "no rule of service '" + service.name.name + "' runs experiment '" +
                              experiment.name.name + "'; route to it with '=> experiment " +
                              experiment.name.name + "'");
    }
  }
}

}  // namespace meshc::sema
