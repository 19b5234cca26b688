#include "http/UpstreamRequest.h"

#include <optional>
#include <string>
#include <string_view>

#include "http/BeastFields.h"
#include "http/RequestId.h"
#include "policy/ForwardedRequest.h"

namespace mesh {
namespace http = boost::beast::http;

void prepareUpstreamRequest(http::request<http::buffer_body>& request,
                            const ForwardedTarget& forwarded, const RuleSettings* rule,
                            Prng& prng) {
  // The authority is a view into the old target: Host is set before the target changes.
  if (!forwarded.authority.empty()) request.set(http::field::host, forwarded.authority);
  std::string storage;
  const std::string_view target =
      rule ? rewrittenTarget(forwarded.target, *rule, storage) : forwarded.target;
  // Most targets are in normal form already and cost no copy.
  if (request.target() != target) request.target(target);
  BeastFields fields(request);
  std::optional<RequestId> id;  // drawn only for a request without one
  applySidecarForwardedChanges(
      fields, [&] { return id.emplace(prng.next(), prng.next()).view(); }, request.version());
  request.version(11);
  if (rule) applyForwardedHeaderChanges(request, *rule);
}

std::string clientCertificateValue(std::string_view self, std::string_view peer) {
  std::string value;
  value.reserve(self.size() + peer.size() + 8);
  value.append("By=").append(self).append(";URI=").append(peer);
  return value;
}

void setClientCertificateHeader(http::request<http::buffer_body>& request,
                                std::string_view value) {
  static constexpr std::string_view kName = "x-forwarded-client-cert";
  request.erase(kName);
  if (!value.empty()) request.set(kName, value);
}

}  // namespace mesh
