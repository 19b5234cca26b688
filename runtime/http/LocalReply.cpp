#include "http/LocalReply.h"

#include <fmt/format.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/write.hpp>

#include "http/Router.h"
#include "policy/HeaderEditing.h"

namespace mesh {
namespace asio = boost::asio;
namespace http = boost::beast::http;

LocalReply badRequestHeader(const boost::beast::error_code& ec) {
  const unsigned status = ec == http::error::header_limit ? 431 : 400;
  return {status, fmt::format("meshc: bad request: {}\n", ec.message())};
}

LocalReply describeFailure(const Exchange& exchange, const Router& router,
                           std::chrono::milliseconds streamIdleTimeout) {
  const std::string target = router.describe(exchange.route);
  const std::string endpoint = exchange.route.endpoint->address.toString();
  const auto idleMs = streamIdleTimeout.count();
  switch (exchange.abandoned) {
    case Abandoned::kRouteDeadline:
      return {504, fmt::format("meshc: upstream timeout: no response from {} ({}) within {} ms\n",
                               target, endpoint, exchange.route.timeoutMs)};
    case Abandoned::kTryTimeout:
      return {504, fmt::format("meshc: upstream timeout: no response from {} ({}) within the "
                               "per-try timeout of {} ms\n",
                               target, endpoint,
                               exchange.route.rule && exchange.route.rule->retry
                                   ? exchange.route.rule->retry->perTryTimeout.count()
                                   : 0)};
    case Abandoned::kClientStalled:
      return {408, fmt::format("meshc: request timeout: no body bytes for {} ms\n", idleMs)};
    case Abandoned::kUpstreamStalled:
      return {504, fmt::format("meshc: upstream timeout: {} ({}) stalled for {} ms\n", target,
                               endpoint, idleMs)};
    case Abandoned::kConnectBudget:  // connectError says timed_out
    case Abandoned::kNo:
      break;
  }
  if (exchange.requestBody == BodyState::kClientMalformed) {
    return {400, "meshc: bad request: malformed body\n"};
  }
  if (exchange.connectError) {
    return {502, fmt::format("meshc: cannot connect to {} of {}: {}\n", endpoint, target,
                             exchange.connectError.message())};
  }
  const std::string reason =
      exchange.upstreamError ? exchange.upstreamError.message() : std::string("aborted");
  return {502, fmt::format("meshc: upstream {} of {} failed before responding: {}\n", endpoint,
                           target, reason)};
}

http::response<http::string_body> makeLocalResponse(const RequestFacts& facts,
                                                    const LocalReply& reply,
                                                    std::string_view clusterTag,
                                                    const RuleResponseFields& rule,
                                                    bool keepAlive) {
  http::response<http::string_body> response{static_cast<http::status>(reply.status),
                                             facts.clientVersion < 11 ? 10u : 11u};
  if (!reply.message.empty()) response.set(http::field::content_type, "text/plain");
  if (!clusterTag.empty()) response.set(kClusterHeader, clusterTag);
  if (!reply.location.empty()) response.set(http::field::location, reply.location);
  response.body() = reply.message;
  response.keep_alive(keepAlive);
  response.prepare_payload();
  // Beast says "Content-Length: 0", which RFC 9110 §8.6 forbids for a 204; for a 304 it would
  // claim the length of the resource, which the sidecar does not know.
  if (reply.status == 204 || reply.status == 304) response.erase(http::field::content_length);
  applyCorsFields(response, rule.cors);
  applyHeaderEdits(response, rule.edits);
  if (facts.head) response.body().clear();
  return response;
}

asio::awaitable<std::pair<bool, bool>> writeLocalReply(Stream& stream, const RequestFacts& facts,
                                                       const LocalReply& reply,
                                                       std::string_view clusterTag,
                                                       RuleResponseFields rule, bool keepAlive) {
  auto response = makeLocalResponse(facts, reply, clusterTag, rule, keepAlive);
  auto [ec, bytes] =
      co_await http::async_write(stream, response, asio::as_tuple(asio::use_awaitable));
  co_return std::pair{!ec, !ec && keepAlive};
}

}  // namespace mesh
