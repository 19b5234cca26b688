#pragma once

// CORS, as a rule's policy applies it (abi.h mesh_cors): which browser origins are allowed, the
// sidecar's own answer to a preflight, and the fields an allowed origin's responses get. Pure
// functions over views; meshc's checks and `meshc test` use the same ones as the sidecar.

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mesh/abi.h"

namespace mesh {

// One allowed origin: any origin, or a scheme, a host (exact, or a suffix after '*') and a port.
struct OriginPattern {
  enum class Host { kAny, kExact, kBelow };
  std::string_view text;   // as the policy wrote it
  bool anyOrigin = false;  // "*": every origin, whatever its scheme
  std::string_view scheme;
  Host hostKind = Host::kExact;
  std::string_view host;  // kExact: the name; kBelow: the domain after "*." ("" for kAny)
  uint32_t port = 0;      // the scheme's default when the origin gives none
};

// Reads an origin pattern: "*", or SCHEME://HOST[:PORT] with SCHEME "http" or "https", HOST a
// lower-case name or address, "*" or "*.DOMAIN", and no path. Returns "" or what is wrong.
std::string parseOriginPattern(std::string_view text, OriginPattern& out);

struct Cors {
  std::vector<OriginPattern> origins;
  std::string_view allowMethods;  // as sent; "*" echoes the requested method; "" none
  std::string_view allowHeaders;  // as sent; "*" echoes the requested headers; "" none
  std::string_view exposeHeaders;
  uint64_t maxAgeS = 0;  // 0: no Access-Control-Max-Age
  bool credentials = false;
};

// Refuses an empty origin list, a malformed origin and values with control characters.
std::string decodeCors(const mesh_cors& config, Cors& out);

// Whether a request's Origin (as the browser sent it) is one the policy allows. Scheme and host
// compare without regard to case; a missing port is the scheme's default. "null" and anything
// that is no origin only match "*".
bool originAllowed(const Cors& cors, std::string_view origin);

// The request-side facts CORS depends on; views into the request.
struct CorsRequest {
  std::string_view method;
  std::string_view origin;        // "" when the request has no Origin field
  bool hasRequestMethod = false;  // Access-Control-Request-Method is present
  std::string_view requestMethod;
  std::string_view requestHeaders;  // Access-Control-Request-Headers, "" when absent
};

// What CORS reads of a request as the request model gives it to route().
CorsRequest corsRequestOf(const mesh_request& request);

// A preflight: OPTIONS with Origin and Access-Control-Request-Method (Fetch standard §4.8).
inline bool isPreflight(const CorsRequest& request) {
  return request.method == "OPTIONS" && !request.origin.empty() && request.hasRequestMethod;
}

struct ResponseField {
  std::string_view name;  // lower-case
  std::string value;
};

// The Access-Control-* fields a response may get from CORS: the sidecar's answer to a preflight
// has these only as preflightFields() gives them.
inline constexpr std::array<std::string_view, 6> kCorsFieldNames = {
    "access-control-allow-origin",  "access-control-allow-credentials",
    "access-control-allow-methods", "access-control-allow-headers",
    "access-control-max-age",       "access-control-expose-headers"};

// The fields of the sidecar's answer to a preflight: none for an origin the policy does not allow.
std::vector<ResponseField> preflightFields(const Cors& cors, const CorsRequest& request);

// The fields a response to an allowed origin's request gets (Allow-Origin, Allow-Credentials,
// Expose-Headers, and Vary: Origin, as Allow-Origin echoes it); none for a request without an
// allowed Origin.
std::vector<ResponseField> responseFields(const Cors& cors, const CorsRequest& request);

// Puts CORS fields on a response: each Access-Control-* one replaces any the upstream sent, as
// the policy decides who may read the response; Vary is added to. A template over the header
// container like applyHeaderEdits (HeaderEditing.h), for the sidecar's Beast messages and
// `meshc test`'s model of them.
template <typename Fields>
void applyCorsFields(Fields& fields, std::span<const ResponseField> added) {
  for (const ResponseField& field : added) {
    if (field.name == "vary") {
      fields.insert(field.name, field.value);
    } else {
      fields.set(field.name, field.value);
    }
  }
}

}  // namespace mesh
