#pragma once

#include <boost/beast/http/fields.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "mesh/abi.h"

namespace mesh {

// The request line and headers of a parsed request, as views into the parser's message.
struct RequestHead {
  std::string_view method;
  std::string_view target;
  const boost::beast::http::fields* fields = nullptr;
};

// Builds the mesh_request a policy sees. The lower-cased copies of header names and of the host
// live in one buffer owned by the builder and reused for every request of a connection, so a
// keep-alive connection stops allocating once it has seen its largest request. Values are views
// into the parser's message, which outlives the policy call.
class PolicyRequestBuilder {
 public:
  // Returns false when the authority (Host header or absolute-form target) is malformed.
  // `out` stays valid until the next build() or until the message is destroyed.
  bool build(const RequestHead& head, std::string_view sourceAddress, uint64_t seed,
             mesh_request& out);

 private:
  std::string arena_;
  std::vector<mesh_header> headers_;
};

}  // namespace mesh
