// CORS policies: their origins, methods, headers and max age, and the routes and rules that name
// them.

#include <algorithm>
#include <map>
#include <set>

#include "policy/Cors.h"
#include "sema/Checks.h"
#include "sema/RepeatedStatements.h"
#include "support/Suggest.h"
#include "support/Text.h"

namespace meshc::sema {
namespace {

constexpr uint64_t kMaxAgeLimitMs = 24ull * 3600 * 1000;

const char* listName(ast::CorsList::Kind kind) {
  switch (kind) {
    case ast::CorsList::Kind::Origins:
      return "origins list";
    case ast::CorsList::Kind::Methods:
      return "methods list";
    case ast::CorsList::Kind::Headers:
      return "headers list";
    case ast::CorsList::Kind::Expose:
      return "expose list";
  }
  return "list";
}

void checkOrigin(const ast::StringLiteral& origin, Diagnostics& diagnostics) {
  mesh::OriginPattern pattern;
  const std::string problem = mesh::parseOriginPattern(origin.value, pattern);
  if (problem.empty()) return;
  diagnostics.error(DiagnosticCode::MalformedCorsOrigin, origin.loc,
                    "invalid CORS origin: " + problem +
                        "; browsers send e.g. \"https://app.example.com\" or "
                        "\"http://localhost:3000\"");
}

void checkMethod(const ast::StringLiteral& method, Diagnostics& diagnostics) {
  const std::string& name = method.value;
  if (name == "*") return;
  if (!isHttpToken(name)) {
    diagnostics.error(DiagnosticCode::LowerCaseMethod, method.loc,
                      quoted(name) +
                          " is not an HTTP method; methods are upper-case tokens "
                          "such as \"PUT\", or \"*\" for any");
    return;
  }
  const std::string upper = toUpperAscii(name);
  if (upper == name) return;
  diagnostics.error(DiagnosticCode::LowerCaseMethod, method.loc,
                    "HTTP methods are case-sensitive and " + quoted(name) +
                        " would not match browsers' " + quoted(upper) + "; did you mean " +
                        quoted(upper) + "?");
}

void checkHeaderName(const ast::StringLiteral& header, Diagnostics& diagnostics) {
  if (header.value == "*" || isHttpToken(header.value)) return;
  diagnostics.error(DiagnosticCode::InvalidHeaderName, header.loc,
                    "invalid header name " + quoted(header.value) +
                        "; header names are non-empty and use letters, digits and "
                        "!#$%&'*+-.^_`|~, or \"*\" for any");
}

void checkPolicy(const ast::CorsPolicy& policy, Diagnostics& diagnostics) {
  std::map<ast::CorsList::Kind, std::vector<const ast::CorsList*>> byKind;
  for (const ast::CorsList& list : policy.lists) byKind[list.kind].push_back(&list);
  for (const auto& [kind, lists] : byKind) {
    atMostOnce(lists, listName(kind), diagnostics, [](const ast::CorsList* l) { return l->loc; });
  }
  bool anyOrigin = false;
  for (const ast::CorsList& list : policy.lists) {
    for (const ast::StringLiteral& value : list.values) {
      switch (list.kind) {
        case ast::CorsList::Kind::Origins:
          anyOrigin = true;
          checkOrigin(value, diagnostics);
          break;
        case ast::CorsList::Kind::Methods:
          checkMethod(value, diagnostics);
          break;
        case ast::CorsList::Kind::Headers:
        case ast::CorsList::Kind::Expose:
          checkHeaderName(value, diagnostics);
          break;
      }
    }
  }
  if (!anyOrigin) {
    diagnostics.error(DiagnosticCode::CorsWithoutOrigins, policy.name.loc,
                      "CORS policy '" + policy.name.name +
                          "' allows no origin; add e.g. 'origins [\"https://app.example.com\"];'");
  }
  atMostOnce(policy.maxAges, "max_age", diagnostics, [](const ast::Duration& d) { return d.loc; });
  for (const ast::Duration& maxAge : policy.maxAges) {
    if (maxAge.malformed) continue;
    if (maxAge.milliseconds < 1000 || maxAge.milliseconds % 1000 != 0 ||
        maxAge.milliseconds > kMaxAgeLimitMs) {
      diagnostics.error(
          DiagnosticCode::InvalidCorsMaxAge, maxAge.loc,
          "a CORS max age is a whole number of seconds from 1s to 24h; " + maxAge.text + " is not");
    }
  }
  atMostOnce(policy.credentials, "credentials", diagnostics, [](const SourceLoc& l) { return l; });
}

// Every `cors NAME` of a service's routes and rules, in source order.
std::vector<const ast::Identifier*> references(const ast::Service& service) {
  std::vector<const ast::Identifier*> out;
  for (const ast::Route& route : service.routes) {
    for (const ast::Identifier& name : route.cors) out.push_back(&name);
    for (const ast::RouteRule& rule : route.rules) {
      for (const ast::RuleSetting& setting : rule.settings) {
        if (const auto* cors = std::get_if<ast::CorsSetting>(&setting)) {
          out.push_back(&cors->policy);
        }
      }
    }
  }
  return out;
}

}  // namespace

void checkCors(const ast::Policy& policy, Diagnostics& diagnostics) {
  for (const ast::Service& service : policy.services) {
    const std::vector<std::string> names =
        declaredOnce(service.corsPolicies, DiagnosticCode::DuplicateCorsPolicy, "CORS policy",
                     service.name.name, diagnostics);
    for (const ast::CorsPolicy& cors : service.corsPolicies) checkPolicy(cors, diagnostics);
    for (const ast::Route& route : service.routes) {
      atMostOnce(route.cors, "route CORS policy", diagnostics,
                 [](const ast::Identifier& i) { return i.loc; });
    }
    for (const ast::Identifier* name : references(service)) {
      if (std::count(names.begin(), names.end(), name->name) > 0) continue;
      diagnostics.error(DiagnosticCode::UnknownCorsPolicy, name->loc,
                        "unknown CORS policy '" + name->name + "' of service '" +
                            service.name.name + "'; " +
                            suggestion(name->name, names, "CORS policies"));
    }
  }
}

void lintCors(const ast::Policy& policy, Diagnostics& diagnostics) {
  for (const ast::Service& service : policy.services) {
    std::set<std::string> used;
    for (const ast::Identifier* name : references(service)) used.insert(name->name);
    for (const ast::CorsPolicy& cors : service.corsPolicies) {
      if (used.count(cors.name.name) > 0) continue;
      diagnostics.warning(DiagnosticCode::UnusedCorsPolicy, cors.name.loc,
                          "no route or rule of service '" + service.name.name +
                              "' applies CORS policy '" + cors.name.name + "'; add 'cors " +
                              cors.name.name + ";' to the route, or to a rule's block");
    }
  }
}

}  // namespace meshc::sema
