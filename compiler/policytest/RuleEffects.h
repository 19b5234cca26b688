#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "mesh/abi.h"
#include "policytest/HeaderFields.h"
#include "policytest/Outcome.h"
#include "request/RequestModel.h"

namespace meshc::policytest {

// The request a sidecar forwards upstream.
struct ForwardedRequest {
  std::string target;    // the path, then '?' and the query when the request has one
  HeaderFields headers;  // Host included
};

// What the rule that decided a request does to it, computed by the sidecar's own code
// (policy/RedirectLocation, policy/ForwardedRequest, policy/HeaderEditing, request/HopByHop).
struct RuleEffects {
  std::optional<std::string> location;       // the Location, when the rule redirects
  std::optional<ForwardedRequest> upstream;  // when the rule forwards
  ResponseHeaderEdits response;              // the rule's response header edits
};

// The x-request-id the sidecar adds to a forwarded request that has none is random; the model
// holds this instead. A control character keeps any expected value (E0311) from equalling it.
inline constexpr std::string_view kRandomRequestId = "\x01random";

// `outcome` is Routed or Answered. `sent` holds the request's header fields as the application
// sent them (Host included), `forwarded` what the request model made of its target.
RuleEffects ruleEffects(const Outcome& outcome, const mesh_request& request,
                        const mesh::ForwardedTarget& forwarded,
                        const std::vector<std::pair<std::string, std::string>>& sent);

// `value` quoted, with the random request id in words.
std::string describeHeaderValue(const std::string& value);

}  // namespace meshc::policytest
