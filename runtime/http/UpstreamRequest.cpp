#include "http/UpstreamRequest.h"

#include <string>
#include <string_view>

#include "http/HeaderEdits.h"
#include "http/HopByHop.h"
#include "http/RequestId.h"
#include "policy/PathRewrite.h"

namespace mesh {
namespace http = boost::beast::http;

namespace {

// The forwarded target with its path rewritten and its query (if any) kept; no copy without a
// path to rewrite.
std::string_view rewrittenTarget(std::string_view target, const RuleSettings* rule,
                                 std::string& storage) {
  if (!rule || !rule->rewrite || rule->rewrite->path.kind == PathRewrite::Kind::kKeep) {
    return target;
  }
  // The normalised path holds no '?' (one would have ended it), so the first starts the query.
  const size_t question = target.find('?');
  storage = rewritePath(target.substr(0, question), rule->rewrite->path);
  if (question != std::string_view::npos) storage.append(target.substr(question));
  return storage;
}

}  // namespace

void prepareUpstreamRequest(http::request<http::buffer_body>& request,
                            const ForwardedTarget& forwarded, const RuleSettings* rule,
                            Prng& prng) {
  // The authority is a view into the old target: Host is set before the target changes.
  if (!forwarded.authority.empty()) request.set(http::field::host, forwarded.authority);
  std::string storage;
  const std::string_view target = rewrittenTarget(forwarded.target, rule, storage);
  // Most targets are in normal form already and cost no copy.
  if (request.target() != target) request.target(target);
  removeHopByHopHeaders(request);
  request.erase(http::field::expect);
  if (request.find("x-request-id") == request.end()) {
    request.set("x-request-id", RequestId(prng.next(), prng.next()).view());
  }
  request.version(11);
  if (!rule) return;
  if (rule->rewrite && !rule->rewrite->host.empty()) {
    request.set(http::field::host, rule->rewrite->host);
  }
  applyHeaderEdits(request, rule->requestHeaders);
}

}  // namespace mesh
