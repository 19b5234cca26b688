#pragma once

#include <boost/beast/http/fields.hpp>
#include <string_view>
#include <vector>

#include "mesh/abi.h"
#include "request/RequestModel.h"

namespace mesh {

// The request line and headers of a parsed request, as views into the parser's message.
struct RequestHead {
  std::string_view method;
  std::string_view target;
  const boost::beast::http::fields* fields = nullptr;
};

// Hands a parsed request to the shared request model (request/RequestModel), reusing its field
// list across the requests of a connection. Values are views into the parser's message, which
// outlives the policy call. Every request carries the sidecar's regex matcher for route().
class PolicyRequestBuilder {
 public:
  PolicyRequestBuilder(const PathOptions& options, const mesh_regex_matcher* regex)
      : model_(options), regex_(regex) {}

  // Returns kNone, or why the request must be answered 400. `out` stays valid until the next
  // build(), until the message is destroyed, or until its target or fields change.
  // `sourcePrincipal` is the peer's verified SPIFFE ID, empty when there is none.
  RequestProblem build(const RequestHead& head, std::string_view sourceAddress,
                       std::string_view sourcePrincipal, uint64_t seed, mesh_request& out);

  // What the upstream receives of the last request built: the target the policy saw.
  const ForwardedTarget& forwarded() const { return model_.forwarded(); }

 private:
  std::vector<HeaderField> fields_;
  RequestModel model_;
  const mesh_regex_matcher* regex_;
};

}  // namespace mesh
