#pragma once

#include <string>
#include <utility>
#include <vector>

#include "mesh/abi.h"
#include "request/PathNormalization.h"
#include "request/RequestModel.h"
#include "request/RequestProblem.h"

namespace meshc::policytest {

// A request as a workload's application sends it to its own sidecar, written in a test or on
// the command line of `meshc explain`.
struct RequestSpec {
  std::string method;
  std::string url;  // "http://service[:port]/path?query", or origin-form with a host header
  std::vector<std::pair<std::string, std::string>> headers;
  std::string principal;  // SPIFFE ID of the caller, empty when unknown
};

// Turns a RequestSpec into the mesh_request the sidecar of `compiled` makes of it, with its path
// settings and its regex matcher: an absolute URL becomes an origin-form target and a Host header
// (unless a host header is given), as an HTTP client sends it.
class SpecRequest {
 public:
  SpecRequest(const mesh_module& compiled, const mesh_regex_matcher* regex);

  // Returns kNone, or why the sidecar would answer 400 before any policy runs. `out` points into
  // this object until the next build().
  mesh::RequestProblem build(const RequestSpec& spec, mesh_request& out);

  // Of the last request built: its header fields as the application sent them (Host included),
  // and what the sidecar forwards in place of its target (after a successful build()).
  const std::vector<std::pair<std::string, std::string>>& headers() const { return headers_; }
  const mesh::ForwardedTarget& forwarded() const { return model_.forwarded(); }

 private:
  std::string target_;
  std::vector<std::pair<std::string, std::string>> headers_;
  std::vector<mesh::HeaderField> fields_;
  std::string method_;
  std::string principal_;
  mesh::RequestModel model_;
  const mesh_regex_matcher* regex_;
};

}  // namespace meshc::policytest
