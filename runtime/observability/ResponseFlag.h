#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace mesh {

// Why a request got the response it got, or none: the `response_flags` label of
// istio_requests_total, named as Envoy's access log names them so that Istio's dashboards and
// alerts read meshc's series unchanged. A request carries one flag (Envoy may join several with
// ','): the first cause, which is what decided the response.
enum class ResponseFlag : uint8_t {
  kNone,                             // "-": the response is the upstream's or a rule's
  kDownstreamConnectionTermination,  // "DC": the client left before its response was out
  kUpstreamRequestTimeout,           // "UT": the route's timeout or a stalled upstream: 504
  kStreamIdleTimeout,                // "SI": the client's upload stalled: 408
  kUpstreamConnectionFailure,        // "UF": no connection to the upstream: 502
  kUpstreamConnectionTermination,    // "UC": the upstream's connection failed before its end
  kUpstreamProtocolError,            // "UPE": the upstream's response broke HTTP
  kDownstreamProtocolError,          // "DPE": the client's request broke HTTP: 400, 431
  kNoRoute,                          // "NR": no service or rule for the request: 404
  kNoHealthyUpstream,                // "UH": the cluster has no endpoints: 503
  kUpstreamRetryLimitExceeded,       // "URX": the upstream's response, which the rule's retry
                                     // policy would have retried, after every attempt was used
};
inline constexpr size_t kResponseFlagCount = 11;

std::string_view envoyName(ResponseFlag flag);

}  // namespace mesh
