#include <algorithm>
#include <cctype>
#include <charconv>

#include "policy/RegexOptions.h"
#include "sema/Checks.h"
#include "support/Overloaded.h"
#include "support/Text.h"

namespace meshc::sema {
namespace {

bool validPort(std::string_view digits) {
  unsigned value = 0;
  const auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  return !digits.empty() && ec == std::errc() && ptr == digits.data() + digits.size() &&
         value >= 1 && value <= 65535;
}

// "host:port" with a DNS name or IPv4 host, or "[v6]:port".
std::string endpointProblem(const std::string& endpoint) {
  const size_t colon = endpoint.rfind(':');
  if (colon == std::string::npos) return "is missing ':PORT'";
  const std::string_view host = std::string_view(endpoint).substr(0, colon);
  if (!validPort(std::string_view(endpoint).substr(colon + 1))) {
    return "has an invalid port; ports are 1-65535";
  }
  if (host.empty()) return "has an empty host";
  if (host.front() == '[') {
    const bool v6 = host.size() > 2 && host.back() == ']' &&
                    std::all_of(host.begin() + 1, host.end() - 1,
                                [](char c) { return std::isxdigit(c) || c == ':' || c == '.'; });
    return v6 ? "" : "has a malformed IPv6 host";
  }
  return isDnsName(host) ? "" : "has a malformed host";
}

void checkRegex(const ast::StringLiteral& pattern, Diagnostics& diagnostics) {
  const re2::RE2 regex(pattern.value, mesh::policyRegexOptions());
  if (regex.ok()) return;
  diagnostics.error(DiagnosticCode::InvalidRegex, pattern.loc,
                    "invalid regex \"" + pattern.value + "\": " + regex.error() +
                        " (RE2 syntax: no backreferences or lookaround)");
}

void checkPath(const ast::PathMatch& match, Diagnostics& diagnostics) {
  const ast::StringLiteral& path = match.value;
  if (match.test == ast::StringTest::Matches) {
    checkRegex(path, diagnostics);
    return;
  }
  if (std::any_of(path.value.begin(), path.value.end(),
                  [](char c) { return c == ' ' || c == '\t'; }) ||
      hasControlCharacter(path.value)) {
    diagnostics.error(DiagnosticCode::PathWithSpace, path.loc,
                      "path \"" + path.value +
                          "\" contains a space or control character, which a request "
                          "path never does; percent-encode it (e.g. %20)");
  }
  // A suffix is the end of a path, so it need not start with '/'.
  if (match.test != ast::StringTest::Suffix && (path.value.empty() || path.value.front() != '/')) {
    diagnostics.error(DiagnosticCode::PathNotAbsolute, path.loc,
                      "path \"" + path.value + "\" must start with '/'");
  }
  if (path.value.find('?') != std::string::npos) {
    diagnostics.error(DiagnosticCode::PathWithQuery, path.loc,
                      "path \"" + path.value +
                          "\" contains '?'; paths are matched without the "
                          "query string");
  }
}

void checkMethod(const ast::MethodMatch& method, Diagnostics& diagnostics) {
  const std::string& name = method.method.name;
  const std::string suggestion = toUpperAscii(name);
  if (suggestion != name) {
    diagnostics.error(DiagnosticCode::LowerCaseMethod, method.method.loc,
                      "HTTP methods are case-sensitive and '" + name +
                          "' would not match clients' '" + suggestion + "'; did you mean '" +
                          suggestion + "'?");
  }
}

void checkHeader(const ast::HeaderMatch& header, Diagnostics& diagnostics) {
  if (header.test == ast::StringTest::Matches) {
    checkRegex(header.value, diagnostics);
  } else if (hasControlCharacter(header.value.value)) {
    diagnostics.error(DiagnosticCode::HeaderValueControlCharacter, header.value.loc,
                      "header value contains a control character (such as a newline), which "
                      "a request header never does: this condition could never match");
  }
  const std::string& name = header.name.value;
  if (name.empty() || !isHttpToken(name)) {
    diagnostics.error(DiagnosticCode::InvalidHeaderName, header.name.loc,
                      "invalid header name \"" + name +
                          "\"; header names are non-empty and use letters, digits and "
                          "!#$%&'*+-.^_`|~");
  }
}

void checkQuery(const ast::QueryMatch& query, Diagnostics& diagnostics) {
  if (query.test == ast::StringTest::Matches) checkRegex(query.value, diagnostics);
  if (query.name.value.empty()) {
    diagnostics.error(DiagnosticCode::EmptyQueryParameterName, query.name.loc,
                      "query parameter name is empty; name the parameter, as in "
                      "query \"version\" == \"2\"");
  }
}

void checkPort(const ast::PortMatch& port, Diagnostics& diagnostics) {
  if (port.malformed || (port.number >= 1 && port.number <= 65535)) return;
  diagnostics.error(DiagnosticCode::PortOutOfRange, port.loc,
                    "port " + std::to_string(port.number) + " is out of range; ports are 1-65535");
}

void checkCondition(const ast::Condition& condition, Diagnostics& diagnostics) {
  std::visit(Overloaded{
                 [&](const ast::PathMatch& path) { checkPath(path, diagnostics); },
                 [&](const ast::MethodMatch& method) { checkMethod(method, diagnostics); },
                 [&](const ast::HeaderMatch& header) { checkHeader(header, diagnostics); },
                 [&](const ast::QueryMatch& query) { checkQuery(query, diagnostics); },
                 [&](const ast::PortMatch& port) { checkPort(port, diagnostics); },
                 [](const ast::SourceWorkloadMatch&) {},
                 [&](const ast::SourceLabelMatch& label) {
                   if (label.test == ast::StringTest::Matches) {
                     checkRegex(label.value, diagnostics);
                   }
                 },
                 [&](const ast::SourcePrincipalMatch& principal) {
                   if (principal.test == ast::StringTest::Matches) {
                     checkRegex(principal.value, diagnostics);
                   }
                 },
             },
             condition.match);
}

// The sidecar lower-cases the request's host before matching it against service names.
void checkServiceName(const ast::Identifier& name, Diagnostics& diagnostics) {
  const std::string lower = toLowerAscii(name.name);
  if (lower == name.name) return;
  diagnostics.error(DiagnosticCode::UpperCaseServiceName, name.loc,
                    "service name '" + name.name +
                        "' must be lower-case: it is matched against the request's "
                        "host, which is case-insensitive; did you mean '" +
                        lower + "'?");
}

}  // namespace

void checkTimeoutDuration(const ast::Duration& duration, const std::string& what,
                          Diagnostics& diagnostics) {
  if (duration.malformed || duration.text.empty()) return;
  if (duration.milliseconds == 0) {
    diagnostics.error(DiagnosticCode::TimeoutNotPositive, duration.loc,
                      what + " must be positive; omit it for no " + what);
  } else if (duration.milliseconds > kMaxTimeoutMs) {
    diagnostics.error(
        DiagnosticCode::TimeoutTooLong, duration.loc,
        what + " " + duration.text + " is longer than the maximum of 24h; omit it for no " + what);
  }
}

void checkLiterals(const ast::Policy& policy, Diagnostics& diagnostics) {
  for (const ast::Service& service : policy.services) {
    checkServiceName(service.name, diagnostics);
    for (const ast::ServicePort& port : service.ports) {
      if (!port.malformed && (port.number < 1 || port.number > 65535)) {
        diagnostics.error(
            DiagnosticCode::PortOutOfRange, port.loc,
            "port " + std::to_string(port.number) + " is out of range; ports are 1-65535");
      }
      if (port.protocol && port.protocol->name != "http") {
        diagnostics.error(
            DiagnosticCode::UnsupportedProtocol, port.protocol->loc,
            "unsupported protocol '" + port.protocol->name + "'; this version supports: http");
      }
    }
    for (const ast::Subset& subset : service.subsets) {
      for (const ast::StringLiteral& endpoint : subset.endpoints) {
        const std::string problem = endpointProblem(endpoint.value);
        if (!problem.empty()) {
          diagnostics.error(
              DiagnosticCode::MalformedEndpoint, endpoint.loc,
              "endpoint \"" + endpoint.value + "\" " + problem + "; expected \"HOST:PORT\"");
        }
      }
    }
    for (const ast::Route& route : service.routes) {
      for (const ast::Duration& timeout : route.timeouts) {
        checkTimeoutDuration(timeout, "timeout", diagnostics);
      }
      for (const ast::RouteRule& rule : route.rules) {
        for (const ast::ConditionGroup& group : rule.groups) {
          for (const ast::Condition& condition : group.conditions) {
            checkCondition(condition, diagnostics);
          }
        }
        if (rule.timeout) checkTimeoutDuration(*rule.timeout, "timeout", diagnostics);
        for (const ast::RuleSetting& setting : rule.settings) {
          if (const auto* timeout = std::get_if<ast::TimeoutSetting>(&setting)) {
            checkTimeoutDuration(timeout->timeout, "timeout", diagnostics);
          }
        }
      }
    }
  }
}

}  // namespace meshc::sema
