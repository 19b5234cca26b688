#include "policy/RedirectLocation.h"

#include <fmt/format.h>

#include "policy/RequestFields.h"

namespace mesh {

uint32_t defaultPort(std::string_view scheme) {
  if (scheme == "http") return 80;
  if (scheme == "https") return 443;
  return 0;
}

std::string redirectLocation(const mesh_request& request, const Redirect& redirect) {
  const std::string_view requestScheme = view(request.scheme);
  const std::string_view scheme = redirect.scheme.empty() ? requestScheme : redirect.scheme;
  uint32_t port = redirect.port;
  if (port == 0) {
    port = scheme != requestScheme ? defaultPort(scheme) : request.port;
  }
  std::string location;
  const std::string_view requestHost = view(request.host);
  if (!redirect.host.empty() || !requestHost.empty()) {
    location.append(scheme).append("://");
    if (!redirect.host.empty()) {
      location.append(redirect.host);
    } else if (requestHost.find(':') != std::string_view::npos) {
      location.append("[").append(requestHost).append("]");  // the model dropped the brackets
    } else {
      location.append(requestHost);
    }
    if (port != 0 && port != defaultPort(scheme)) location.append(fmt::format(":{}", port));
  }
  const std::string_view path = view(request.path);
  if (path.starts_with('/')) {
    location.append(rewritePath(path, redirect.path));
  } else if (location.empty()) {
    location = "/";  // "*" (OPTIONS) names no path; an absolute Location names the server itself
  }
  if (request.query.len > 0) location.append("?").append(view(request.query));
  return location;
}

}  // namespace mesh
