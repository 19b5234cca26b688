#include "policy/Cors.h"

#include <fmt/format.h>

#include <charconv>

#include "policy/RedirectLocation.h"
#include "policy/RequestFields.h"
#include "request/AsciiCase.h"

namespace mesh {
namespace {

bool endsWithIgnoringCase(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() &&
         equalsNoCase(text.substr(text.size() - suffix.size()), suffix);
}

// An origin split into its parts (RFC 6454 §6.1 serialisation): SCHEME "://" HOST [":" PORT].
// HOST is a name, an IPv4 address or a bracketed IPv6 address; nothing may follow the port. The
// scheme is "http" or "https" in lower case, as browsers serialise it.
struct OriginParts {
  std::string_view scheme;
  std::string_view host;
  uint32_t port = 0;  // the scheme's default when absent
};

bool splitOrigin(std::string_view text, OriginParts& out) {
  const size_t separator = text.find("://");
  if (separator == std::string_view::npos) return false;
  out.scheme = text.substr(0, separator);
  if (out.scheme != "http" && out.scheme != "https") return false;
  std::string_view rest = text.substr(separator + 3);
  size_t hostEnd = 0;
  if (rest.starts_with('[')) {
    hostEnd = rest.find(']');
    if (hostEnd == std::string_view::npos) return false;
    ++hostEnd;
  } else {
    hostEnd = rest.find(':');
    if (hostEnd == std::string_view::npos) hostEnd = rest.size();
  }
  out.host = rest.substr(0, hostEnd);
  if (out.host.empty()) return false;
  for (char c : out.host) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f || c == '/' || c == '?' || c == '#' || c == '@') return false;
  }
  rest.remove_prefix(hostEnd);
  out.port = defaultPort(out.scheme);
  if (rest.empty()) return true;
  if (rest.front() != ':' || rest.size() == 1) return false;
  const std::string_view digits = rest.substr(1);
  uint32_t port = 0;
  const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), port);
  if (ec != std::errc() || end != digits.data() + digits.size() || port == 0 || port > 65535) {
    return false;
  }
  out.port = port;
  return true;
}

bool isPatternHostChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

// RFC 9110 §5.5: a field value holds no control character but HTAB.
bool isFieldValue(std::string_view value) {
  for (char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u == 0x7f) return false;
  }
  return true;
}

bool patternMatches(const OriginPattern& pattern, const OriginParts& origin) {
  if (pattern.anyOrigin) return true;
  if (pattern.scheme != origin.scheme) return false;
  if (pattern.port != origin.port) return false;
  switch (pattern.hostKind) {
    case OriginPattern::Host::kAny:
      return true;
    case OriginPattern::Host::kExact:
      return equalsNoCase(pattern.host, origin.host);
    case OriginPattern::Host::kBelow:
      // "*.example.com" is any name with at least one label in front of ".example.com".
      return origin.host.size() > pattern.host.size() + 1 &&
             endsWithIgnoringCase(origin.host, pattern.host) &&
             origin.host[origin.host.size() - pattern.host.size() - 1] == '.';
  }
  return false;
}

}  // namespace

std::string parseOriginPattern(std::string_view text, OriginPattern& out) {
  out = OriginPattern{};
  out.text = text;
  if (text == "*") {
    out.anyOrigin = true;
    return {};
  }
  OriginParts parts;
  if (!splitOrigin(text, parts)) {
    return fmt::format("\"{}\" is not \"*\" or SCHEME://HOST[:PORT] with the scheme http or https",
                       text);
  }
  out.scheme = parts.scheme;
  out.port = parts.port;
  std::string_view host = parts.host;
  if (host == "*") {
    out.hostKind = OriginPattern::Host::kAny;
    out.host = {};
    return {};
  }
  if (host.starts_with("*.")) {
    out.hostKind = OriginPattern::Host::kBelow;
    host.remove_prefix(2);
  }
  out.host = host;
  if (host.starts_with('[') && out.hostKind == OriginPattern::Host::kExact) {
    for (char c : host.substr(1, host.size() - 2)) {
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || c == ':' || c == '.')) {
        return fmt::format("the host of \"{}\" is not a lower-case IPv6 address", text);
      }
    }
    return {};
  }
  if (host.empty() || host.starts_with('.') || host.ends_with('.') ||
      host.find("..") != std::string_view::npos) {
    return fmt::format("the host of \"{}\" is not a name, \"*\" or \"*.\" and a domain", text);
  }
  for (char c : host) {
    if (!isPatternHostChar(c)) {
      return fmt::format(
          "the host of \"{}\" has '{}'; a host is lower-case letters, digits, '-' and '.', "
          "after an optional \"*.\"",
          text, c);
    }
  }
  return {};
}

std::string decodeCors(const mesh_cors& config, Cors& out) {
  if (config.origin_count == 0 || !config.origins) return "no origins";
  for (uint32_t i = 0; i < config.origin_count; ++i) {
    if (!config.origins[i]) return fmt::format("origin {} is null", i);
    OriginPattern pattern;
    if (std::string problem = parseOriginPattern(config.origins[i], pattern); !problem.empty()) {
      return fmt::format("origin {}: {}", i, problem);
    }
    out.origins.push_back(pattern);
  }
  if (!config.allow_methods || !config.allow_headers || !config.expose_headers) {
    return "a null list of methods or headers";
  }
  out.allowMethods = config.allow_methods;
  out.allowHeaders = config.allow_headers;
  out.exposeHeaders = config.expose_headers;
  for (std::string_view value : {out.allowMethods, out.allowHeaders, out.exposeHeaders}) {
    if (!isFieldValue(value)) {
      return fmt::format("\"{}\" has a control character", value.substr(0, 40));
    }
  }
  if (config.allow_credentials > 1) {
    return fmt::format("allow_credentials is {}, not 0 or 1", config.allow_credentials);
  }
  out.maxAgeS = config.max_age_s;
  out.credentials = config.allow_credentials == 1;
  return {};
}

CorsRequest corsRequestOf(const mesh_request& request) {
  CorsRequest out;
  out.method = view(request.method);
  out.origin = headerValue(request, "origin").value_or("");
  const std::optional<std::string_view> requestMethod =
      headerValue(request, "access-control-request-method");
  out.hasRequestMethod = requestMethod.has_value();
  out.requestMethod = requestMethod.value_or("");
  out.requestHeaders = headerValue(request, "access-control-request-headers").value_or("");
  return out;
}

bool originAllowed(const Cors& cors, std::string_view origin) {
  if (origin.empty()) return false;
  OriginParts parts;
  const bool isOrigin = splitOrigin(origin, parts);
  for (const OriginPattern& pattern : cors.origins) {
    if (pattern.anyOrigin) return true;
    if (isOrigin && patternMatches(pattern, parts)) return true;
  }
  return false;
}

std::vector<ResponseField> preflightFields(const Cors& cors, const CorsRequest& request) {
  std::vector<ResponseField> fields;
  if (!originAllowed(cors, request.origin)) return fields;
  // The Origin is echoed, never "*": a credentialed request may not get "*" (Fetch §3.2.5), and
  // one answer for both keeps the policy's meaning independent of cookies. Hence Vary.
  fields.push_back({"access-control-allow-origin", std::string(request.origin)});
  if (cors.credentials) fields.push_back({"access-control-allow-credentials", "true"});
  const std::string_view methods =
      cors.allowMethods == "*" ? request.requestMethod : cors.allowMethods;
  if (!methods.empty()) fields.push_back({"access-control-allow-methods", std::string(methods)});
  const std::string_view headers =
      cors.allowHeaders == "*" ? request.requestHeaders : cors.allowHeaders;
  if (!headers.empty()) fields.push_back({"access-control-allow-headers", std::string(headers)});
  if (cors.maxAgeS != 0) {
    fields.push_back({"access-control-max-age", std::to_string(cors.maxAgeS)});
  }
  if (!cors.exposeHeaders.empty()) {
    fields.push_back({"access-control-expose-headers", std::string(cors.exposeHeaders)});
  }
  fields.push_back({"vary", "Origin"});
  return fields;
}

std::vector<ResponseField> responseFields(const Cors& cors, const CorsRequest& request) {
  std::vector<ResponseField> fields;
  if (!originAllowed(cors, request.origin)) return fields;
  fields.push_back({"access-control-allow-origin", std::string(request.origin)});
  if (cors.credentials) fields.push_back({"access-control-allow-credentials", "true"});
  if (!cors.exposeHeaders.empty()) {
    fields.push_back({"access-control-expose-headers", std::string(cors.exposeHeaders)});
  }
  fields.push_back({"vary", "Origin"});
  return fields;
}

}  // namespace mesh
