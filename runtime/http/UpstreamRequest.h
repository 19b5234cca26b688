#pragma once

#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/message.hpp>
#include <string>
#include <string_view>

#include "core/Prng.h"
#include "policy/RuleTable.h"
#include "request/RequestModel.h"

namespace mesh {

// Turns the client's request into the one the upstream gets: the target the policy saw
// (origin-form, normalised path, query as received) and an absolute-form's authority as Host, no
// hop-by-hop headers, no Expect (the sidecar answers 100-continue itself), a request id, this hop
// in Via, HTTP/1.1.
// Then, when a rule decided the request (`rule` is not null), its rewrite (the path changed, the
// query kept, the Host replaced) and its request header edits, which have the last word on every
// header the sidecar does not keep to itself (policy/ForwardedRequest.h).
void prepareUpstreamRequest(boost::beast::http::request<boost::beast::http::buffer_body>& request,
                            const ForwardedTarget& forwarded, const RuleSettings* rule, Prng& prng);

// Envoy's x-forwarded-client-cert for a caller verified under mutual TLS:
// `By=<this workload's SPIFFE ID>;URI=<the caller's>`. The same for every request of a
// connection, so made once per connection.
std::string clientCertificateValue(std::string_view self, std::string_view peer);

// On the inbound listener: replaces any x-forwarded-client-cert the caller sent (nobody but this
// sidecar may vouch for a caller) with `value`, or removes it when `value` is empty (plaintext).
void setClientCertificateHeader(
    boost::beast::http::request<boost::beast::http::buffer_body>& request, std::string_view value);

}  // namespace mesh
