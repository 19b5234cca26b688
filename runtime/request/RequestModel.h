#pragma once

// The request model: how an HTTP request becomes the mesh_request a policy sees. One small library
// with no I/O, linked by the sidecar runtime and by meshc (test, explain), so a request written in
// a policy test means exactly what the same request means on the wire.

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "mesh/abi.h"
#include "request/PathNormalization.h"
#include "request/RequestProblem.h"

namespace mesh {

struct HeaderField {
  std::string_view name;  // any case
  std::string_view value;
};

// A request as received: the request line, the header fields in received order, and who sent it.
struct RequestInput {
  std::string_view method;
  std::string_view target;  // origin-form ("/p?q"), absolute-form ("http://host:port/p?q") or "*"
  std::span<const HeaderField> headers;
  std::string_view sourceAddress;    // "ip:port" of the peer
  std::string_view sourcePrincipal;  // SPIFFE ID of the peer, empty when unknown
  uint64_t seed = 0;                 // uniform random per request
};

// A field value without its leading and trailing whitespace (spaces and tabs, RFC 9110 §5.5), as
// a policy sees it. The HTTP parser has trimmed it already; a test's request, written by hand, may
// not have. meshc warns of a header literal no trimmed value can equal (W0302).
std::string_view withoutOws(std::string_view value);

// What the upstream receives in place of the request line's target and, for an absolute-form
// target, the Host header: what the policy saw, so no upstream acts on a path other than the one
// the policy matched.
struct ForwardedTarget {
  std::string_view target;     // origin-form: the policy's path, then '?' and the query as received
  std::string_view authority;  // an absolute-form's authority (RFC 9112 §3.2.2), else empty
};

// Builds mesh_requests, reusing its storage: a keep-alive connection stops allocating once it has
// seen its largest request. What the policy sees:
// - the host comes from an absolute-form target, else from the Host header (RFC 9112 §3.2.2),
//   lower-cased, without port, IPv6 brackets or one trailing dot;
// - the path is the target's up to the first '?', normalised (PathNormalization.h); it is also
//   what the upstream receives. "*" (OPTIONS) is left as it is;
// - the query is the rest after '?', as received (not normalised, and forwarded unchanged);
// - query parameters: the query split at '&' (empty pairs skipped), each pair at its first '='
//   (no '=': an empty value), names and values percent-decoded where the escape is valid ("%zz"
//   stays) and '+' left as '+' (RFC 3986, not HTML form encoding). Every pair is kept in received
//   order and a name may repeat: a policy matches a parameter's first occurrence;
// - header names are lower-case and unique: a repeated header's values are joined with ",", in
//   received order (RFC 9110 §5.3), so no value can hide behind an earlier one.
class RequestModel {
 public:
  // The defaults are Istio's: encoded slashes kept, slashes not merged.
  explicit RequestModel(const PathOptions& options = {}) : options_(options) {}

  // Returns kNone and fills `out`, or returns why the request must be refused (400), checked in
  // this order: the target (fragment, form), the Host header (repeated), the authority (user info,
  // malformed), the path (encoded slash). `out` points into `input`'s strings and into this object,
  // and stays valid until the next build() or until either is gone.
  RequestProblem build(const RequestInput& input, mesh_request& out);

  // For the last request built successfully; valid as long as its mesh_request.
  const ForwardedTarget& forwarded() const { return forwarded_; }

 private:
  std::string_view decodeIntoArena(std::string_view text);
  void splitQuery(std::string_view query);

  PathOptions options_;
  std::string arena_;
  std::string target_;  // the forwarded target; the policy's path is its beginning
  std::vector<mesh_header> headers_;
  std::vector<mesh_header> queryParams_;
  ForwardedTarget forwarded_;
};

}  // namespace mesh
