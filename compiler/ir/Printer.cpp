#include "ir/Printer.h"

#include "support/Overloaded.h"
#include "support/Text.h"

namespace meshc::ir {
namespace {

std::string at(const SourceLoc& loc) {
  return "  ; line " + std::to_string(loc.line) + ":" + std::to_string(loc.column);
}

std::string subjectText(const Subject& subject) {
  return std::visit(Overloaded{
                        [](const RequestPath&) -> std::string { return "path"; },
                        [](const RequestMethod&) -> std::string { return "method"; },
                        [](const HeaderValue& h) { return "header " + quoted(h.name); },
                        [](const QueryValue& q) { return "query " + quoted(q.name); },
                        [](const DestinationPort&) -> std::string { return "port"; },
                    },
                    subject);
}

// In the policy language's own words: a path's byte prefix is `starts_with`, its segment prefix
// `prefix`; a negated presence is `absent`.
std::string testText(const Module& module, const Predicate& predicate) {
  const bool path = std::holds_alternative<RequestPath>(predicate.subject);
  return std::visit(
      Overloaded{
          [&](const Equals& t) { return "== " + quoted(t.value); },
          [&](const Prefix& t) { return (path ? "starts_with " : "prefix ") + quoted(t.value); },
          [&](const SegmentPrefix& t) {
            return "prefix " + quoted(t.value.empty() ? "/" : t.value);
          },
          [&](const Suffix& t) { return "suffix " + quoted(t.value); },
          [&](const Regex& t) {
            return "matches " +
                   quoted(t.index < module.regexes.size() ? module.regexes[t.index] : "?");
          },
          [&](const Present&) -> std::string { return predicate.negated ? "absent" : "present"; },
      },
      predicate.test);
}

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
  std::string operator()(const NoBackend&) const { return "no backend"; }
  std::string operator()(const ExperimentTarget&) const { return "the experiment's variant"; }
};

std::string editsText(const std::vector<HeaderEdit>& edits) {
  std::string out;
  for (const HeaderEdit& edit : edits) {
    out += out.empty() ? "" : ", ";
    switch (edit.op) {
      case HeaderEdit::Op::Set:
        out += "set " + quoted(edit.name) + " = " + quoted(edit.value);
        break;
      case HeaderEdit::Op::Add:
        out += "add " + quoted(edit.name) + " = " + quoted(edit.value);
        break;
      case HeaderEdit::Op::Remove:
        out += "remove " + quoted(edit.name);
        break;
    }
  }
  return out;
}

std::string pathText(const PathRewrite& path) {
  switch (path.kind) {
    case PathRewrite::Kind::Keep:
      return "";
    case PathRewrite::Kind::Full:
      return " path " + quoted(path.value);
    case PathRewrite::Kind::Prefix:
      return " prefix " + quoted(path.prefix) + " -> " + quoted(path.value);
  }
  return "";
}

std::string mtlsText(Mtls mtls) {
  switch (mtls) {
    case Mtls::Disable:
      return "disable";
    case Mtls::Permissive:
      return "permissive";
    case Mtls::Strict:
      return "strict";
  }
  return "";
}

struct ActionText {
  const Module& module;
  std::string operator()(const RequestTimeout& t) const {
    return "timeout " + std::to_string(t.milliseconds) + "ms";
  }
  std::string operator()(const RetryPolicy& r) const {
    std::string out =
        "retry attempts " + std::to_string(r.attempts) + " on " + retryConditions(r) +
        (r.perTryTimeoutMs == 0 ? ""
                                : " per_try_timeout " + std::to_string(r.perTryTimeoutMs) + "ms") +
        " backoff " + std::to_string(r.backoffBaseMs) + "ms max " + std::to_string(r.backoffMaxMs) +
        "ms budget " + formatPercent(r.budget);
    return r.nonIdempotent ? out + " non_idempotent" : out;
  }
  std::string operator()(const RequestHeaderEdits& e) const {
    return "request headers " + editsText(e.edits);
  }
  std::string operator()(const ResponseHeaderEdits& e) const {
    return "response headers " + editsText(e.edits);
  }
  std::string operator()(const DirectResponse& d) const {
    return "respond " + std::to_string(d.status) + " " + quoted(d.body);
  }
  std::string operator()(const Redirect& r) const {
    return "redirect " + std::to_string(r.status) +
           (r.scheme.empty() ? "" : " scheme " + r.scheme) +
           (r.host.empty() ? "" : " host " + quoted(r.host)) +
           (r.port == 0 ? "" : " port " + std::to_string(r.port)) + pathText(r.path);
  }
  std::string operator()(const Rewrite& r) const {
    return "rewrite" + (r.host.empty() ? "" : " host " + quoted(r.host)) + pathText(r.path);
  }
  std::string operator()(const Experiment& e) const {
    std::string out = "experiment " + e.name;
    switch (e.sticky) {
      case Experiment::Sticky::None:
        break;
      case Experiment::Sticky::Header:
        out += " sticky header " + quoted(e.stickyName);
        break;
      case Experiment::Sticky::Cookie:
        out += " sticky cookie " + quoted(e.stickyName);
        break;
      case Experiment::Sticky::Constant:
        out += " sticky key " + quoted(e.stickyName);
        break;
    }
    if (!e.cookie.empty()) {
      out += " cookie " + quoted(e.cookie) +
             (e.cookieMaxAgeSeconds == 0 ? "" : " " + std::to_string(e.cookieMaxAgeSeconds) + "s");
    }
    out += " {";
    for (size_t v = 0; v < e.variants.size(); ++v) {
      out += (v == 0 ? " " : ", ") + e.variants[v].name + " #" +
             std::to_string(e.variants[v].cluster) + " " + formatPercent(e.variants[v].weight);
    }
    return out + " }";
  }
  std::string operator()(const Cors& c) const {
    std::string out = "cors " + c.name + " origins";
    for (const std::string& origin : c.origins) out += " " + quoted(origin);
    if (!c.allowMethods.empty()) out += " methods " + quoted(c.allowMethods);
    if (!c.allowHeaders.empty()) out += " headers " + quoted(c.allowHeaders);
    if (!c.exposeHeaders.empty()) out += " expose " + quoted(c.exposeHeaders);
    out += " max_age " + std::to_string(c.maxAgeSeconds) + "s";
    return c.credentials ? out + " credentials" : out;
  }
  std::string operator()(const Mirrors& m) const {
    std::string out = "mirror";
    for (size_t i = 0; i < m.targets.size(); ++i) {
      const MirrorTarget& target = m.targets[i];
      out += (i == 0 ? " #" : ", #") + std::to_string(target.cluster) + " " +
             module.clusters[target.cluster].name() + " " + formatPercent(target.weight);
    }
    return out;
  }
};

}  // namespace

std::string describe(RetryReason reason) {
  switch (reason) {
    case RetryReason::ServerError:
      return "5xx";
    case RetryReason::GatewayError:
      return "gateway_error";
    case RetryReason::Reset:
      return "reset";
    case RetryReason::ConnectFailure:
      return "connect_failure";
    case RetryReason::Retriable4xx:
      return "retriable_4xx";
  }
  return "";
}

std::string retryConditions(const RetryPolicy& retry) {
  std::string out;
  for (RetryReason reason : retry.reasons) out += (out.empty() ? "" : ", ") + describe(reason);
  for (uint32_t status : retry.statuses) {
    out += (out.empty() ? "" : ", ") + std::to_string(status);
  }
  return out;
}

std::string describe(const Module& module, const Predicate& predicate) {
  if (std::holds_alternative<DestinationPort>(predicate.subject)) {
    const auto* equals = std::get_if<Equals>(&predicate.test);
    return (predicate.negated ? "not port " : "port ") + (equals ? equals->value : "?");
  }
  const bool spelledNegation =
      predicate.negated && !std::holds_alternative<Present>(predicate.test);
  return (spelledNegation ? "not " : "") + subjectText(predicate.subject) + " " +
         testText(module, predicate);
}

std::string describe(const Module& module, const Action& action) {
  return std::visit(ActionText{module}, action);
}

std::string describe(const Module& module, const Conjunction& conjunction) {
  std::string text;
  for (const Predicate& predicate : conjunction) {
    text += (text.empty() ? "" : " and ") + describe(module, predicate);
  }
  return text.empty() ? "always" : text;
}

std::string print(const Module& module) {
  std::string out = "module workload=" + module.workload + " mesh=" + module.meshName +
                    " digest=" + module.digest + "\n  identity trust_domain=" + module.trustDomain +
                    " principal=" + module.principal + "\n";
  if (module.paths.mergeSlashes) out += "  paths merge_slashes\n";
  switch (module.paths.encodedSlashes) {
    case EncodedSlashes::Keep:
      break;
    case EncodedSlashes::Decode:
      out += "  paths encoded_slashes decode\n";
      break;
    case EncodedSlashes::Reject:
      out += "  paths encoded_slashes reject\n";
      break;
  }
  for (size_t r = 0; r < module.regexes.size(); ++r) {
    out += "  regex #" + std::to_string(r) + " " + quoted(module.regexes[r]) + "\n";
  }
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
    std::string ports;
    for (uint32_t port : service.ports) ports += (ports.empty() ? "" : ",") + std::to_string(port);
    std::string hosts;
    for (const std::string& host : service.hosts) hosts += (hosts.empty() ? "" : " ") + host;
    out += "  service #" + std::to_string(s) + " " + service.name + " ports=" + ports +
           at(service.loc) + "\n    hosts " + hosts + "\n    mtls " + mtlsText(service.mtls);
    if (!service.principals.empty()) out += " principals";
    for (const std::string& principal : service.principals) out += " " + principal;
    out += "\n";
    for (size_t r = 0; r < service.rules.size(); ++r) {
      const Rule& rule = service.rules[r];
      out += "    rule #" + std::to_string(r) + " (global #" +
             std::to_string(
                 globalRuleIndex(module, static_cast<uint32_t>(s), static_cast<uint32_t>(r))) +
             ")" + at(rule.loc) + "\n";
      if (rule.anyOf.empty()) out += "      never (its source conditions exclude this workload)\n";
      for (size_t c = 0; c < rule.anyOf.size(); ++c) {
        if (rule.anyOf.size() == 1 && rule.anyOf[c].empty()) break;
        out += std::string(c == 0 ? "      if " : "      or ") + describe(module, rule.anyOf[c]) +
               "\n";
      }
      out += "      then " + std::visit(TargetText{module}, rule.target) + "\n";
      for (const Action& action : rule.actions) {
        out += "      with " + describe(module, action) + "\n";
      }
    }
  }
  return out;
}

}  // namespace meshc::ir
