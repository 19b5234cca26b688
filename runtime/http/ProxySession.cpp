#include "http/ProxySession.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <optional>

#include "core/WorkerContext.h"
#include "http/BodyReader.h"
#include "http/HopByHop.h"
#include "http/MessageFraming.h"
#include "http/RequestId.h"
#include "request/RequestTarget.h"
#include "http/Router.h"
#include "upstream/Connector.h"

namespace mesh {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using namespace asio::experimental::awaitable_operators;

namespace {

using RequestParser = http::request_parser<http::buffer_body>;
using ResponseParser = http::response_parser<http::buffer_body>;

constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);
constexpr auto kIdleTimeout = std::chrono::seconds(60);
constexpr auto kConnectTimeout = std::chrono::seconds(5);
constexpr std::string_view kClusterHeader = "x-mesh-upstream-cluster";

// True when the peer sent something that is not HTTP, as opposed to closing or resetting.
bool isMalformed(const beast::error_code& ec) {
  if (ec.category() != make_error_code(http::error::bad_method).category()) return false;
  return ec != http::error::end_of_stream && ec != http::error::partial_message &&
         ec != http::error::need_more && ec != http::error::need_buffer;
}

std::string peerAddress(const tcp::socket& socket) {
  beast::error_code ec;
  const tcp::endpoint peer = socket.remote_endpoint(ec);
  if (ec) return "unknown";
  const std::string ip = peer.address().to_string();
  return peer.address().is_v6() ? fmt::format("[{}]:{}", ip, peer.port())
                                : fmt::format("{}:{}", ip, peer.port());
}

// Turns the client's request into the one the upstream gets: origin-form target, no hop-by-hop
// headers, no Expect (the sidecar answers 100-continue itself), a request id, HTTP/1.1.
void prepareUpstreamRequest(http::request<http::buffer_body>& request, Prng& prng) {
  const TargetParts target = splitRequestTarget(request.target());
  if (target.absoluteForm) {
    std::string_view authority = target.authority;
    if (const size_t at = authority.rfind('@'); at != std::string_view::npos) {
      authority.remove_prefix(at + 1);
    }
    std::string origin(target.path);
    if (!target.query.empty()) origin.append("?").append(target.query);
    request.set(http::field::host, authority);
    request.target(origin);
  }
  removeHopByHopHeaders(request);
  request.erase(http::field::expect);
  if (request.find("x-request-id") == request.end()) {
    request.set("x-request-id", RequestId(prng.next(), prng.next()).view());
  }
  request.version(11);
}

}  // namespace

// How far the request body got. Anything but kDone means the downstream connection cannot carry
// another request, because the rest of this body would be taken for it.
enum class BodyState {
  kPending,
  kDone,
  kClientGone,       // the client closed or reset mid-body
  kClientMalformed,  // e.g. a broken chunk header
  kUpstreamFailed,   // the upstream stopped taking it
  kAbandoned,        // the sidecar stopped reading it: the response ended or the deadline passed
};

struct ProxySession::Exchange {
  Exchange() {
    request.header_limit(kMaxHeaderBytes);
    request.body_limit(boost::none);
  }

  RequestParser request;
  RouteDecision route;
  Clock::time_point start = Clock::now();
  std::optional<Clock::time_point> deadline;
  unsigned clientVersion = 11;
  bool clientKeepAlive = false;
  bool headRequest = false;
  bool expectContinue = false;
  bool requestHadBody = false;
  bool awaitingClientBody = false;   // the request body pump is reading from the client
  bool finalHeaderReceived = false;  // the upstream's response header (not an interim one)

  std::unique_ptr<UpstreamConnection> upstream;
  std::optional<http::serializer<true, http::buffer_body>> requestWriter;
  std::optional<ResponseParser> response;
  std::optional<http::serializer<false, http::buffer_body>> responseWriter;

  BodyState requestBody = BodyState::kPending;
  beast::error_code connectError;   // no connection could be made
  beast::error_code upstreamError;  // the first failure on an established connection
  bool abandoned = false;           // the upstream timer or the stream idle timer fired
  bool timedOut = false;            // ... because the request deadline passed
  unsigned stalledStatus = 0;       // ... or nothing moved: 408 (the client) or 504 (upstream)
  bool upstreamSentBytes = false;
  bool upstreamReusable = false;
  bool responseHeaderSent = false;
  bool responseDone = false;
  bool downstreamFailed = false;
  bool downstreamKeepAlive = false;
  unsigned status = 0;
};

ProxySession::ProxySession(tcp::socket socket, WorkerContext& worker, const Router& router)
    : downstream_(std::move(socket)),
      downstreamBuffer_(kMaxReadBufferBytes),
      worker_(worker),
      router_(router),
      peer_(peerAddress(downstream_)),
      idleTimer_(downstream_.get_executor()),
      deadlineTimer_(downstream_.get_executor()),
      streamTimer_(downstream_.get_executor()) {
  worker_.sessions.add(this);
}

ProxySession::~ProxySession() { worker_.sessions.remove(this); }

asio::awaitable<void> ProxySession::run() {
  watchIdle(Clock::now() + kIdleTimeout);
  while (!worker_.state.draining()) {
    Exchange exchange;
    idle_ = true;
    idleSince_ = Clock::now();
    auto [ec, bytes] = co_await http::async_read_header(downstream_, downstreamBuffer_,
                                                        exchange.request, kNoThrow);
    idle_ = false;
    if (ec) {
      if (isMalformed(ec)) {
        const unsigned status = ec == http::error::header_limit ? 431 : 400;
        const std::string message = fmt::format("meshc: bad request: {}\n", ec.message());
        co_await answerLocally(exchange, status, message, false);
      }
      break;
    }
    exchange.start = Clock::now();
    if (!co_await serve(exchange)) break;
  }
  idleTimer_.cancel();
  streamTimer_.cancel();
  closeDownstream();
}

void ProxySession::closeIfIdle() {
  // A partly received request header is an in-flight request: let it finish.
  if (idle_ && downstreamBuffer_.size() == 0) closeDownstream();
}

asio::awaitable<bool> ProxySession::serve(Exchange& exchange) {
  auto& request = exchange.request.get();
  exchange.clientVersion = request.version();
  exchange.clientKeepAlive = request.keep_alive();
  exchange.headRequest = request.method() == http::verb::head;
  exchange.requestHadBody = !exchange.request.is_done();
  const std::string_view framingProblem =
      requestFramingProblem(request, request.version(), exchange.request.chunked());
  if (!framingProblem.empty()) {
    const std::string message = fmt::format("meshc: bad request: {}\n", framingProblem);
    co_return co_await answerLocally(exchange, 400, message, false);
  }
  normalizeContentLength(request, exchange.request.content_length());
  const RequestHead head{request.method_string(), request.target(), &request};
  exchange.route = router_.route(head, peer_, policyRequest_, worker_);
  if (!exchange.route.endpoint) {
    // An unread body would be taken for the next request: keep the connection only without one.
    co_return co_await answerLocally(exchange, exchange.route.status, exchange.route.message,
                                     exchange.clientKeepAlive && !exchange.requestHadBody);
  }
  co_return co_await forward(exchange);
}

asio::awaitable<bool> ProxySession::forward(Exchange& exchange) {
  auto& request = exchange.request.get();
  // An HTTP/1.0 client does not know 100 Continue: the expectation is ignored (RFC 9110 §10.1.1).
  exchange.expectContinue =
      exchange.clientVersion >= 11 && beast::iequals(request[http::field::expect], "100-continue");
  prepareUpstreamRequest(request, worker_.prng);
  if (exchange.route.timeoutMs > 0) {
    exchange.deadline = Clock::now() + std::chrono::milliseconds(exchange.route.timeoutMs);
  }
  exchange_ = &exchange;
  touch();
  if (!streamTimerArmed_) watchStream(lastActivity_ + worker_.state.streamIdleTimeout);
  for (int attempt = 0; attempt < 2; ++attempt) {
    co_await connect(exchange, attempt == 0);
    if (!exchange.upstream) break;
    co_await exchangeOnce(exchange);
    // A pooled connection can die between the liveness check and the write. If nothing came
    // back and nothing of the request is lost (no body was read), one fresh attempt is safe,
    // but only for an idempotent method: the upstream may have acted on the request anyway.
    const bool retry = attempt == 0 && exchange.upstream->reused && exchange.upstreamError &&
                       !exchange.upstreamSentBytes && !exchange.requestHadBody &&
                       isIdempotent(request.method()) && !exchange.abandoned &&
                       !exchange.downstreamFailed;
    if (!retry) break;
    spdlog::debug("stale pooled connection to {} ({}), retrying on a new one",
                  exchange.route.endpoint->address.toString(), exchange.upstreamError.message());
    exchange.upstream.reset();
    exchange.upstreamError = {};
  }
  disarmDeadline();
  exchange_ = nullptr;
  releaseUpstream(exchange);

  if (exchange.responseHeaderSent) {
    record(exchange, exchange.status);
    const bool reusable = exchange.responseDone && exchange.downstreamKeepAlive &&
                          exchange.requestBody == BodyState::kDone;
    co_return reusable;
  }
  // No response went out: the sidecar answers for the upstream, if the client is still there.
  if (exchange.downstreamFailed || exchange.requestBody == BodyState::kClientGone) {
    record(exchange, 0);
    co_return false;
  }
  const bool keepAlive = exchange.clientKeepAlive && exchange.requestBody == BodyState::kDone;
  const auto [status, message] = describeFailure(exchange);
  spdlog::debug("{} {}: answering {}: {}", std::string_view(request.method_string()),
                std::string_view(request.target()), status,
                std::string_view(message).substr(0, message.size() - 1));
  // (GCC 12 mishandles temporaries inside co_await expressions: arguments are named locals.)
  co_return co_await answerLocally(exchange, status, message, keepAlive && status != 400);
}

std::pair<unsigned, std::string> ProxySession::describeFailure(const Exchange& exchange) const {
  const std::string target = router_.describe(exchange.route);
  const std::string endpoint = exchange.route.endpoint->address.toString();
  if (exchange.timedOut) {
    return {504, fmt::format("meshc: upstream timeout: no response from {} ({}) within {} ms\n",
                             target, endpoint, exchange.route.timeoutMs)};
  }
  const auto idleMs = std::chrono::milliseconds(worker_.state.streamIdleTimeout).count();
  if (exchange.stalledStatus == 408) {
    return {408, fmt::format("meshc: request timeout: no body bytes for {} ms\n", idleMs)};
  }
  if (exchange.stalledStatus == 504) {
    return {504, fmt::format("meshc: upstream timeout: {} ({}) stalled for {} ms\n", target,
                             endpoint, idleMs)};
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

asio::awaitable<void> ProxySession::connect(Exchange& exchange, bool allowPooled) {
  const Endpoint& endpoint = *exchange.route.endpoint;
  exchange.upstream = allowPooled ? worker_.pool.take(endpoint.id) : nullptr;
  if (!exchange.upstream) {
    exchange.upstream =
        std::make_unique<UpstreamConnection>(downstream_.get_executor(), worker_.stats);
    armUpstreamTimer(exchange, true);
    const beast::error_code ec =
        co_await connectUpstream(*exchange.upstream, endpoint.address, exchange.abandoned);
    if (ec || exchange.abandoned) {
      worker_.stats.connectFailed();
      exchange.connectError = exchange.abandoned ? asio::error::timed_out : ec;
      exchange.upstream.reset();
      co_return;
    }
    exchange.upstream->markConnected();
    beast::error_code ignored;
    exchange.upstream->socket.set_option(tcp::no_delay(true), ignored);
  }
  armUpstreamTimer(exchange, false);
}

asio::awaitable<void> ProxySession::exchangeOnce(Exchange& exchange) {
  UpstreamConnection& upstream = *exchange.upstream;
  exchange.requestWriter.emplace(exchange.request.get());
  auto [ec, bytes] =
      co_await http::async_write_header(upstream.socket, *exchange.requestWriter, kNoThrow);
  if (ec) {
    exchange.upstreamError = ec;
    co_return;
  }
  if (exchange.request.is_done()) {
    exchange.requestBody = BodyState::kDone;
    co_await relayResponse(exchange);
    co_return;
  }
  if (exchange.expectContinue) {
    // A failed write here shows up again in the body pump.
    static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    co_await asio::async_write(downstream_, asio::buffer(kContinue), kNoThrow);
  }
  // Both directions at once: an upstream may answer (or echo) before the upload ends.
  co_await (pumpRequestBody(exchange) && relayResponse(exchange));
}

asio::awaitable<void> ProxySession::pumpRequestBody(Exchange& exchange) {
  RequestParser& parser = exchange.request;
  http::buffer_body::value_type& body = parser.get().body();
  char* buffer = bodyBuffer(true);
  UpstreamConnection& upstream = *exchange.upstream;
  const size_t headerFields = countFields(parser.get());
  reserveForBody(downstreamBuffer_);
  while (!parser.is_done()) {
    exchange.awaitingClientBody = true;
    const auto [readError, got] =
        co_await readBodyPiece(downstream_, downstreamBuffer_, parser, buffer, headerFields);
    exchange.awaitingClientBody = false;
    if (readError) {
      if (exchange.requestBody == BodyState::kPending) {
        exchange.requestBody =
            isMalformed(readError) ? BodyState::kClientMalformed : BodyState::kClientGone;
      }
      // The upstream holds half a request and is useless; closing it also wakes the response
      // side, which would otherwise wait for an answer to a request that never completes.
      beast::error_code ignored;
      upstream.socket.close(ignored);
      co_return;
    }
    touch();
    if (got == 0 && !parser.is_done()) continue;
    body.data = got > 0 ? buffer : nullptr;
    body.size = got;
    body.more = !parser.is_done();
    auto [writeError, writeBytes] =
        co_await http::async_write(upstream.socket, *exchange.requestWriter, kNoThrow);
    if (writeError == http::error::need_buffer) writeError = {};
    if (writeError) {
      if (exchange.requestBody == BodyState::kPending) {
        exchange.requestBody = BodyState::kUpstreamFailed;
      }
      if (!exchange.upstreamError) exchange.upstreamError = writeError;
      co_return;
    }
    touch();
  }
  exchange.requestBody = BodyState::kDone;
}

asio::awaitable<void> ProxySession::relayResponse(Exchange& exchange) {
  UpstreamConnection& upstream = *exchange.upstream;
  bool haveFinalHeader = false;
  while (!haveFinalHeader) {
    ResponseParser& parser = exchange.response.emplace();
    parser.header_limit(kMaxHeaderBytes);
    parser.body_limit(boost::none);
    parser.skip(exchange.headRequest);
    auto [ec, bytes] =
        co_await http::async_read_header(upstream.socket, upstream.buffer, parser, kNoThrow);
    if (ec) {
      exchange.upstreamSentBytes = exchange.upstreamSentBytes || parser.got_some();
      if (!exchange.upstreamError) exchange.upstreamError = ec;
      break;
    }
    exchange.upstreamSentBytes = true;
    touch();
    const unsigned status = parser.get().result_int();
    if (status == 101) {
      // Upgrade is stripped from requests, so a switch of protocols is a broken upstream.
      exchange.upstreamError = http::error::bad_status;
      break;
    }
    // Interim responses (100 Continue, 103 Early Hints) are dropped: the sidecar already
    // answered the client's Expect itself.
    haveFinalHeader = status >= 200;
  }
  exchange.finalHeaderReceived = haveFinalHeader;
  if (haveFinalHeader) co_await relayResponseBody(exchange);
  if (exchange.requestBody == BodyState::kPending) {
    // The response is over while the client is still uploading: the rest of the body can go
    // nowhere, so stop reading it; neither connection can be reused.
    exchange.requestBody = BodyState::kAbandoned;
    beast::error_code ignored;
    downstream_.cancel(ignored);
    upstream.socket.close(ignored);
  }
}

asio::awaitable<void> ProxySession::relayResponseBody(Exchange& exchange) {
  UpstreamConnection& upstream = *exchange.upstream;
  ResponseParser& parser = *exchange.response;
  auto& response = parser.get();
  exchange.upstreamReusable = response.keep_alive() && !parser.need_eof();
  removeHopByHopHeaders(response);
  normalizeContentLength(response, parser.content_length());
  if (router_.tagsResponses() && exchange.route.cluster >= 0) {
    response.set(kClusterHeader, worker_.state.clusters.cluster(exchange.route.cluster).name);
  }
  // Without a length or chunking the body ends with the connection.
  bool delimited = !parser.need_eof();
  if (exchange.clientVersion < 11) {
    response.version(10);
    // An HTTP/1.0 client knows no transfer coding (RFC 9112 §6.1): not even one besides chunked
    // may be named. The body goes out as the parser yields it and ends with the connection.
    if (response.count(http::field::transfer_encoding) > 0) {
      response.erase(http::field::transfer_encoding);
      delimited = false;
    }
  } else {
    response.version(11);
  }
  exchange.downstreamKeepAlive = exchange.clientKeepAlive && delimited && !worker_.state.draining();
  response.keep_alive(exchange.downstreamKeepAlive);
  exchange.status = response.result_int();

  auto& writer = exchange.responseWriter.emplace(response);
  beast::error_code ignored;
  exchange.responseHeaderSent = true;  // from here on a failure can only cut the connection
  if (parser.is_done()) {
    // HEAD, 204, 304 or Content-Length: 0. Writing the empty body through the serializer would
    // add a terminating chunk to a chunked HEAD response.
    auto [headerError, headerBytes] =
        co_await http::async_write_header(downstream_, writer, kNoThrow);
    exchange.downstreamFailed = static_cast<bool>(headerError);
    exchange.responseDone = !headerError;
    if (headerError) upstream.socket.close(ignored);
    co_return;
  }

  char* buffer = bodyBuffer(false);
  const size_t headerFields = countFields(response);  // all edits of the header are done
  reserveForBody(upstream.buffer);
  // Whatever of the body arrived with the header goes out in the same write as the header.
  response.body().data = buffer;
  response.body().size = kBodyPieceBytes;
  const beast::error_code bufferedError = parseBufferedBody(parser, upstream.buffer, headerFields);
  if (bufferedError) {
    exchange.responseHeaderSent = false;  // nothing was written: a 502 can still go out
    exchange.upstreamError = bufferedError;
    upstream.socket.close(ignored);
    co_return;
  }
  if (!co_await writeResponsePiece(exchange, buffer, kBodyPieceBytes - response.body().size)) {
    co_return;
  }
  while (!parser.is_done()) {
    const auto [readError, got] =
        co_await readBodyPiece(upstream.socket, upstream.buffer, parser, buffer, headerFields);
    if (readError) {
      // Half a response must look broken to the client, not complete: abort the connection.
      if (!exchange.upstreamError) exchange.upstreamError = readError;
      closeDownstream();
      co_return;
    }
    touch();
    if (got == 0 && !parser.is_done()) continue;
    if (!co_await writeResponsePiece(exchange, buffer, got)) co_return;
  }
  exchange.responseDone = true;
}

asio::awaitable<bool> ProxySession::writeResponsePiece(Exchange& exchange, char* data,
                                                       size_t size) {
  ResponseParser& parser = *exchange.response;
  http::buffer_body::value_type& body = parser.get().body();
  body.data = size > 0 ? data : nullptr;
  body.size = size;
  body.more = !parser.is_done();
  auto [ec, bytes] = co_await http::async_write(downstream_, *exchange.responseWriter, kNoThrow);
  if (ec && ec != http::error::need_buffer) {
    exchange.downstreamFailed = true;
    beast::error_code ignored;
    exchange.upstream->socket.close(ignored);
    co_return false;
  }
  touch();
  co_return true;
}

asio::awaitable<bool> ProxySession::answerLocally(Exchange& exchange, unsigned status,
                                                  std::string_view message, bool keepAlive) {
  http::response<http::string_body> response{static_cast<http::status>(status),
                                             exchange.clientVersion < 11 ? 10u : 11u};
  response.set(http::field::content_type, "text/plain");
  if (router_.tagsResponses() && exchange.route.cluster >= 0) {
    response.set(kClusterHeader, worker_.state.clusters.cluster(exchange.route.cluster).name);
  }
  response.body() = message;
  keepAlive = keepAlive && !worker_.state.draining();
  response.keep_alive(keepAlive);
  response.prepare_payload();
  if (exchange.headRequest) response.body().clear();
  auto [ec, bytes] = co_await http::async_write(downstream_, response, kNoThrow);
  record(exchange, status);
  co_return !ec && keepAlive;
}

void ProxySession::releaseUpstream(Exchange& exchange) {
  if (!exchange.upstream) return;
  const bool reusable = exchange.responseDone && exchange.requestBody == BodyState::kDone &&
                        exchange.upstreamReusable && !exchange.abandoned &&
                        exchange.upstream->socket.is_open();
  if (reusable) {
    exchange.upstream->reused = false;
    worker_.pool.give(exchange.route.endpoint->id, std::move(exchange.upstream));
  }
  exchange.upstream.reset();
}

void ProxySession::record(const Exchange& exchange, unsigned status) {
  const double elapsedMs =
      std::chrono::duration<double, std::milli>(Clock::now() - exchange.start).count();
  worker_.stats.recordRequest(
      RequestSeriesKey{router_.reporter(), exchange.route.cluster, static_cast<uint16_t>(status)},
      elapsedMs);
}

void ProxySession::watchIdle(Clock::time_point at) {
  idleTimer_.expires_at(at);
  idleTimer_.async_wait([self = shared_from_this()](const beast::error_code& ec) {
    if (!ec) self->onIdleTimer();
  });
}

void ProxySession::onIdleTimer() {
  // One timer per connection, re-armed from here rather than per request: re-arming cancels the
  // pending wait, and every cancellation is a completion that goes through the event loop.
  const Clock::time_point expiry = idleSince_ + kIdleTimeout;
  if (idle_ && Clock::now() >= expiry) {
    closeDownstream();
    return;
  }
  if (downstream_.is_open()) watchIdle(idle_ ? expiry : Clock::now() + kIdleTimeout);
}

void ProxySession::watchStream(Clock::time_point at) {
  streamTimerArmed_ = true;
  streamTimer_.expires_at(at);
  streamTimer_.async_wait([self = shared_from_this()](const beast::error_code& ec) {
    self->streamTimerArmed_ = false;
    if (!ec) self->onStreamTimer();
  });
}

void ProxySession::onStreamTimer() {
  // Like the idle timer, re-armed from here rather than on every byte: a pending wait never
  // expires later than lastActivity_ + timeout, and is pushed on to that time when it fires.
  Exchange* exchange = exchange_;
  if (!exchange) return;  // between exchanges; forward() arms it again
  const Clock::duration timeout = worker_.state.streamIdleTimeout;
  const Clock::time_point now = Clock::now();
  // A route timeout, where set, is what bounds the wait for the response header.
  const bool routeDeadlineRules = exchange->deadline && exchange->requestBody == BodyState::kDone &&
                                  !exchange->finalHeaderReceived;
  if (routeDeadlineRules || now < lastActivity_ + timeout) {
    watchStream(routeDeadlineRules ? now + timeout : lastActivity_ + timeout);
    return;
  }
  // Nothing moved for the whole timeout: a client trickling nothing (slowloris) or a stuck
  // upstream must not hold two connections for ever.
  const bool clientStalled =
      exchange->requestBody == BodyState::kPending && exchange->awaitingClientBody;
  exchange->stalledStatus = clientStalled ? 408 : 504;
  abandon(*exchange);
}

void ProxySession::armDeadline(Clock::duration after) {
  const uint64_t generation = ++deadlineGeneration_;
  deadlineTimer_.expires_after(after);
  deadlineTimer_.async_wait([self = shared_from_this(), generation](const beast::error_code& ec) {
    if (!ec && generation == self->deadlineGeneration_) self->onDeadline();
  });
}

void ProxySession::armUpstreamTimer(const Exchange& exchange, bool connecting) {
  std::optional<Clock::duration> budget;
  if (connecting) budget = kConnectTimeout;
  if (exchange.deadline) {
    const Clock::duration left = std::max(*exchange.deadline - Clock::now(), Clock::duration{0});
    budget = budget ? std::min(*budget, left) : left;
  }
  if (budget) {
    armDeadline(*budget);
  } else {
    disarmDeadline();
  }
}

void ProxySession::disarmDeadline() {
  ++deadlineGeneration_;
  deadlineTimer_.cancel();
}

void ProxySession::onDeadline() {
  Exchange* exchange = exchange_;
  if (!exchange) return;
  exchange->timedOut = exchange->deadline && Clock::now() >= *exchange->deadline;
  abandon(*exchange);
}

void ProxySession::abandon(Exchange& exchange) {
  exchange.abandoned = true;
  beast::error_code ignored;
  if (exchange.upstream) exchange.upstream->socket.close(ignored);
  if (exchange.responseHeaderSent) {
    closeDownstream();  // mid-body there is no way left to report the timeout
  } else if (exchange.requestBody == BodyState::kPending) {
    exchange.requestBody = BodyState::kAbandoned;
    downstream_.cancel(ignored);  // stop reading the upload so the 408/504 can go out now
  }
}

void ProxySession::closeDownstream() {
  beast::error_code ignored;
  downstream_.shutdown(tcp::socket::shutdown_both, ignored);
  downstream_.close(ignored);
}

char* ProxySession::bodyBuffer(bool request) {
  if (!bodyBuffers_) bodyBuffers_ = std::make_unique<char[]>(2 * kBodyPieceBytes);
  return bodyBuffers_.get() + (request ? 0 : kBodyPieceBytes);
}

}  // namespace mesh
