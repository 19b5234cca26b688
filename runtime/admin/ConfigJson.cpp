#include "admin/ConfigJson.h"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <iterator>
#include <string>
#include <vector>

#include "tls/MtlsMode.h"
#include "tls/TlsCredentials.h"

namespace mesh {
namespace {

std::string_view orEmpty(const char* text) { return text ? text : ""; }

// A string, or null for "" (a part the action leaves as the request has it).
void appendStringOrNull(std::string& out, std::string_view text) {
  if (text.empty()) {
    out += "null";
  } else {
    appendJsonString(out, text);
  }
}

void appendHeaderEdits(std::string& out, const std::vector<HeaderEdit>& edits) {
  out += '[';
  for (size_t i = 0; i < edits.size(); ++i) {
    out += i == 0 ? "{\"op\": " : ", {\"op\": ";
    switch (edits[i].op) {
      case HeaderEdit::Op::kSet:
        out += "\"set\"";
        break;
      case HeaderEdit::Op::kAdd:
        out += "\"add\"";
        break;
      case HeaderEdit::Op::kRemove:
        out += "\"remove\"";
        break;
    }
    out += ", \"name\": ";
    appendJsonString(out, edits[i].name);
    if (edits[i].op != HeaderEdit::Op::kRemove) {
      out += ", \"value\": ";
      appendJsonString(out, edits[i].value);
    }
    out += '}';
  }
  out += ']';
}

// null when the path is kept.
void appendPathRewrite(std::string& out, const PathRewrite& path) {
  switch (path.kind) {
    case PathRewrite::Kind::kKeep:
      out += "null";
      return;
    case PathRewrite::Kind::kFull:
      out += "{\"full\": ";
      appendJsonString(out, path.value);
      out += '}';
      return;
    case PathRewrite::Kind::kPrefix:
      out += "{\"prefix\": ";
      appendJsonString(out, path.prefix);
      out += ", \"replacement\": ";
      appendJsonString(out, path.value);
      out += '}';
      return;
  }
}

// Every action of the rule, each key always there (null or [] when the rule has none of it), so a
// tool reads one shape.
void appendActions(std::string& out, const RuleSettings& rule) {
  out += ", \"request_headers\": ";
  appendHeaderEdits(out, rule.requestHeaders);
  out += ", \"response_headers\": ";
  appendHeaderEdits(out, rule.responseHeaders);
  out += ", \"direct_response\": ";
  if (rule.directResponse) {
    fmt::format_to(std::back_inserter(out),
                   "{{\"status\": {}, \"body\": ", rule.directResponse->status);
    appendJsonString(out, rule.directResponse->body);
    out += '}';
  } else {
    out += "null";
  }
  out += ", \"redirect\": ";
  if (rule.redirect) {
    fmt::format_to(std::back_inserter(out),
                   "{{\"status\": {}, \"scheme\": ", rule.redirect->status);
    appendStringOrNull(out, rule.redirect->scheme);
    out += ", \"host\": ";
    appendStringOrNull(out, rule.redirect->host);
    out += ", \"port\": ";
    out += rule.redirect->port == 0 ? "null" : std::to_string(rule.redirect->port);
    out += ", \"path\": ";
    appendPathRewrite(out, rule.redirect->path);
    out += '}';
  } else {
    out += "null";
  }
  out += ", \"rewrite\": ";
  if (rule.rewrite) {
    out += "{\"host\": ";
    appendStringOrNull(out, rule.rewrite->host);
    out += ", \"path\": ";
    appendPathRewrite(out, rule.rewrite->path);
    out += '}';
  } else {
    out += "null";
  }
}

const char* stickyName(Experiment::Sticky sticky) {
  switch (sticky) {
    case Experiment::Sticky::kNone:
      return "none";
    case Experiment::Sticky::kHeader:
      return "header";
    case Experiment::Sticky::kCookie:
      return "cookie";
    case Experiment::Sticky::kConstant:
      return "constant";
  }
  return "unknown";
}

// Only on rules that run an experiment: its variants, where each goes, and what keeps a user on
// one, as an operator checks them while the experiment runs.
void appendExperiment(std::string& out, const mesh_module& module, const Experiment& experiment) {
  out += ", \"experiment\": {\"name\": ";
  appendJsonString(out, experiment.name);
  fmt::format_to(std::back_inserter(out),
                 ", \"sticky\": \"{}\", \"sticky_key\": ", stickyName(experiment.sticky));
  appendStringOrNull(out, experiment.stickyName);
  out += ", \"cookie\": ";
  appendStringOrNull(out, experiment.cookie);
  fmt::format_to(std::back_inserter(out), ", \"cookie_max_age_s\": {}, \"variants\": [",
                 experiment.cookieMaxAgeSeconds);
  for (size_t v = 0; v < experiment.variants.size(); ++v) {
    const Variant& variant = experiment.variants[v];
    out += v == 0 ? "{\"name\": " : ", {\"name\": ";
    appendJsonString(out, variant.name);
    out += ", \"cluster\": ";
    appendJsonString(out, variant.cluster < module.cluster_count
                              ? orEmpty(module.clusters[variant.cluster].name)
                              : "");
    fmt::format_to(std::back_inserter(out), ", \"weight\": {}}}", variant.weight);
  }
  out += "]}";
}

// Only on rules with a CORS policy: who may call from a browser is what an operator checks when a
// web page's request is refused.
void appendCors(std::string& out, const Cors& cors) {
  out += ", \"cors\": {\"origins\": [";
  for (size_t o = 0; o < cors.origins.size(); ++o) {
    if (o > 0) out += ", ";
    appendJsonString(out, cors.origins[o].text);
  }
  out += "], \"allow_methods\": ";
  appendJsonString(out, cors.allowMethods);
  out += ", \"allow_headers\": ";
  appendJsonString(out, cors.allowHeaders);
  out += ", \"expose_headers\": ";
  appendJsonString(out, cors.exposeHeaders);
  fmt::format_to(std::back_inserter(out), ", \"max_age_s\": {}, \"credentials\": {}}}",
                 cors.maxAgeS, cors.credentials);
}

// The policy's conditions by name, as a policy writes them.
void appendRetry(std::string& out, const RetryPolicy& retry) {
  static constexpr std::pair<uint32_t, std::string_view> kConditions[] = {
      {MESH_RETRY_5XX, "5xx"},
      {MESH_RETRY_GATEWAY_ERROR, "gateway_error"},
      {MESH_RETRY_RESET, "reset"},
      {MESH_RETRY_CONNECT_FAILURE, "connect_failure"},
      {MESH_RETRY_RETRIABLE_4XX, "retriable_4xx"}};
  fmt::format_to(std::back_inserter(out), ", \"retry\": {{\"attempts\": {}, \"on\": [",
                 retry.attempts);
  bool first = true;
  for (const auto& [bit, name] : kConditions) {
    if ((retry.conditions & bit) == 0) continue;
    if (!first) out += ", ";
    first = false;
    appendJsonString(out, name);
  }
  out += "], \"statuses\": [";
  for (size_t i = 0; i < retry.statuses.size(); ++i) {
    fmt::format_to(std::back_inserter(out), "{}{}", i > 0 ? ", " : "", retry.statuses[i]);
  }
  fmt::format_to(std::back_inserter(out),
                 "], \"per_try_timeout_ms\": {}, \"backoff_base_ms\": {}, "
                 "\"backoff_max_ms\": {}, \"budget\": {}, \"non_idempotent\": {}}}",
                 retry.perTryTimeout.count(), retry.backoffBase.count(), retry.backoffMax.count(),
                 retry.budget, retry.nonIdempotent);
}

}  // namespace

void appendJsonString(std::string& out, std::string_view text) {
  out += '"';
  for (char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          fmt::format_to(std::back_inserter(out), "\\u{:04x}", static_cast<unsigned>(c));
        } else {
          out += c;
        }
    }
  }
  out += '"';
}

std::string renderConfigJson(const mesh_module& module, const RuleTable& rules,
                             const ClusterTable& clusters, const TlsCredentials* credentials) {
  std::string out = "{\n  \"mesh\": ";
  appendJsonString(out, orEmpty(module.mesh_name));
  out += ",\n  \"workload\": ";
  appendJsonString(out, orEmpty(module.workload));
  out += ",\n  \"policy_digest\": ";
  appendJsonString(out, orEmpty(module.policy_digest));
  out += ",\n  \"compiler_version\": ";
  appendJsonString(out, orEmpty(module.compiler_version));
  fmt::format_to(std::back_inserter(out), ",\n  \"abi_version\": {}", module.abi_version);
  out += ",\n  \"trust_domain\": ";
  appendJsonString(out, orEmpty(module.trust_domain));
  out += ",\n  \"principal\": ";
  appendJsonString(out, orEmpty(module.principal));
  out += ",\n  \"certificate\": ";
  if (credentials) {
    out += "{\"file\": ";
    appendJsonString(out, credentials->files().certificate);
    const auto notAfter = std::chrono::floor<std::chrono::seconds>(credentials->notAfter());
    fmt::format_to(std::back_inserter(out), ", \"not_after\": \"{:%Y-%m-%dT%H:%M:%SZ}\"}}",
                   notAfter);
  } else {
    out += "null";
  }
  out += ",\n  \"local_service\": ";
  if (module.local_service >= 0) {
    appendJsonString(out, orEmpty(module.services[module.local_service].name));
  } else {
    out += "null";
  }

  out += ",\n  \"services\": [";
  for (uint32_t i = 0; i < module.service_count; ++i) {
    const mesh_service& service = module.services[i];
    out += i == 0 ? "\n    {\"name\": " : ",\n    {\"name\": ";
    appendJsonString(out, orEmpty(service.name));
    fmt::format_to(std::back_inserter(out),
                   ", \"port\": {}, \"first_rule\": {}, \"rule_count\": {}, \"mtls\": \"{}\"",
                   service.port, service.first_rule, service.rule_count,
                   nameOf(mtlsModeOf(service)));
    out += ", \"principals\": [";
    for (uint32_t p = 0; p < service.principal_count; ++p) {
      if (p > 0) out += ", ";
      appendJsonString(out, orEmpty(service.principals[p]));
    }
    out += "]}";
  }
  out += module.service_count ? "\n  ]" : "]";

  out += ",\n  \"rules\": [";
  for (uint32_t i = 0; i < rules.size(); ++i) {
    const RuleSettings& rule = rules[i];
    out += i == 0 ? "\n    {\"service\": " : ",\n    {\"service\": ";
    appendJsonString(out, orEmpty(module.services[rule.service].name));
    out += ", \"location\": ";
    appendJsonString(out, rule.location);
    fmt::format_to(std::back_inserter(out), ", \"timeout_ms\": {}", rule.timeoutMs);
    appendActions(out, rule);
    if (rule.experiment) appendExperiment(out, module, *rule.experiment);
    if (rule.cors) appendCors(out, *rule.cors);
    if (rule.retry) appendRetry(out, *rule.retry);
    // Only on rules that mirror: where copies go is what an operator checks after a rollout.
    for (size_t m = 0; m < rule.mirrors.size(); ++m) {
      out += m == 0 ? ", \"mirrors\": [{\"cluster\": " : ", {\"cluster\": ";
      appendJsonString(out, orEmpty(module.clusters[rule.mirrors[m].cluster].name));
      fmt::format_to(std::back_inserter(out), ", \"weight\": {}}}", rule.mirrors[m].weight);
    }
    out += rule.mirrors.empty() ? "}" : "]}";
  }
  out += rules.size() ? "\n  ]" : "]";

  out += ",\n  \"clusters\": [";
  const auto& table = clusters.clusters();
  for (size_t i = 0; i < table.size(); ++i) {
    const Cluster& cluster = table[i];
    out += i == 0 ? "\n    {\"name\": " : ",\n    {\"name\": ";
    appendJsonString(out, cluster.name);
    out += ", \"service\": ";
    appendJsonString(out, cluster.service);
    out += ", \"subset\": ";
    appendJsonString(out, cluster.subset);
    out += ", \"endpoints\": [";
    for (size_t e = 0; e < cluster.endpoints.size(); ++e) {
      if (e > 0) out += ", ";
      appendJsonString(out, cluster.endpoints[e].address.toString());
    }
    out += "]}";
  }
  out += table.empty() ? "]" : "\n  ]";

  out += ",\n  \"inbound_app\": ";
  if (const Endpoint* app = clusters.app()) {
    appendJsonString(out, app->address.toString());
  } else {
    out += "null";
  }
  out += "\n}\n";
  return out;
}

}  // namespace mesh
