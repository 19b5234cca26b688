#include "http/DownstreamConnection.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/read.hpp>
#include <memory>
#include <optional>
#include <span>
#include <string_view>
#include <utility>

#include "core/WorkerContext.h"
#include "http/ExchangeFlag.h"
#include "http/LocalReply.h"
#include "http/MessageFraming.h"
#include "http/MirrorSender.h"
#include "http/RequestHeadCheck.h"
#include "http/Retries.h"
#include "http/Router.h"
#include "http/UpstreamRequest.h"
#include "tls/MutualTls.h"

namespace mesh {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);
// After refusing a request, how long and how much of what the client still sends is discarded.
constexpr auto kLingerTime = std::chrono::seconds(2);
constexpr size_t kLingerBytes = 1024 * 1024;

std::string peerAddress(const tcp::socket& socket) {
  beast::error_code ec;
  const tcp::endpoint peer = socket.remote_endpoint(ec);
  if (ec) return "unknown";
  const std::string ip = peer.address().to_string();
  return peer.address().is_v6() ? fmt::format("[{}]:{}", ip, peer.port())
                                : fmt::format("{}:{}", ip, peer.port());
}

// How an exchange that went upstream ended, as far as the client is concerned.
enum class Outcome {
  kRelayed,     // a response (whole or cut) went to the client
  kClientGone,  // nobody is left to answer
  kUnanswered,  // the sidecar answers for the upstream
};

Outcome outcomeOf(const Exchange& exchange) {
  if (responseCommitted(exchange.responseState)) return Outcome::kRelayed;
  if (exchange.requestBody == BodyState::kClientGone) return Outcome::kClientGone;
  return Outcome::kUnanswered;
}

// Whether a stale pooled connection may be replaced by a fresh one: only if nothing came back
// and nothing of the request is lost (no body was read), and only for an idempotent method, as
// the upstream may have acted on the request anyway.
bool mayRetryOnFreshConnection(const Exchange& exchange) {
  return exchange.upstream->reused && exchange.upstreamError &&
         exchange.responseState == ResponseState::kNothing && !exchange.facts.hadBody &&
         isIdempotent(exchange.request.get().method()) && exchange.abandoned == Abandoned::kNo;
}

// Ranks the reasons a timer may give, so that a later, weaker one does not hide an earlier one
// (e.g. the stream-idle timer firing after the route deadline).
int rank(Abandoned why) {
  switch (why) {
    case Abandoned::kNo:
      return 0;
    case Abandoned::kConnectBudget:
    case Abandoned::kTryTimeout:
      return 1;
    case Abandoned::kClientStalled:
    case Abandoned::kUpstreamStalled:
      return 2;
    case Abandoned::kRouteDeadline:
      return 3;
  }
  return 0;
}

}  // namespace

DownstreamConnection::DownstreamConnection(tcp::socket socket, WorkerContext& worker,
                                           const Router& router)
    : stream_(std::move(socket)),
      buffer_(kMaxReadBufferBytes),
      worker_(worker),
      router_(router),
      peer_(peerAddress(stream_.socket())),
      policyRequest_(pathOptionsOf(worker.state.module), worker.state.regexes.matcher()),
      timers_(stream_.get_executor(), worker.state.streamIdleTimeout) {
  worker_.sessions.add(this);
}

DownstreamConnection::~DownstreamConnection() { worker_.sessions.remove(this); }

asio::awaitable<void> DownstreamConnection::run() {
  timers_.start(std::weak_ptr<TimerOwner>(shared_from_this()));
  if (!co_await secure()) {
    timers_.cancel();
    if (phase_ == Phase::kRefused) co_await linger();
    stream_.shutdownAndClose();
    co_return;
  }
  // A connection accepted as the drain begins has its request on the way, or already here:
  // closing it unread would reset it. Its first request is answered (with Connection: close).
  Phase awaiting = Phase::kAwaitingFirstRequest;
  while (awaiting == Phase::kAwaitingFirstRequest || !worker_.state.draining()) {
    Exchange exchange;
    phase_ = awaiting;
    timers_.setIdle(true);
    auto [ec, bytes] =
        co_await http::async_read_header(stream_, buffer_, exchange.request, kNoThrow);
    timers_.setIdle(false);
    phase_ = Phase::kExchanging;
    if (ec) {
      if (isMalformedMessage(ec)) {
        if (const size_t emptyLines = leadingEmptyLines(received())) {
          buffer_.consume(emptyLines);
          continue;
        }
        const std::optional<HeadRefusal> refusal = refuseUnreadableHead(ec, received());
        const LocalReply reply =
            refusal ? LocalReply{refusal->status, fmt::format("meshc: {}\n", refusal->reason)}
                    : badRequestHeader(ec);
        co_await answer(exchange, reply, false, ResponseFlag::kDownstreamProtocolError);
      }
      break;
    }
    exchange.start = Exchange::Clock::now();
    awaiting = Phase::kAwaitingRequest;
    if (!co_await serve(exchange)) break;
  }
  timers_.cancel();
  switch (phase_) {
    case Phase::kRefused:
      co_await linger();
      break;
    case Phase::kAwaitingFirstRequest:
    case Phase::kAwaitingRequest:
    case Phase::kExchanging:
    case Phase::kLingering:
      break;
  }
  stream_.shutdownAndClose();
}

asio::awaitable<bool> DownstreamConnection::secure() {
  const MtlsMode mode = router_.mtls();
  switch (mode) {
    case MtlsMode::kDisable:
      co_return true;
    case MtlsMode::kPermissive:
    case MtlsMode::kStrict:
      break;
  }
  credentials_ = worker_.state.credentials();
  InboundTls tls = co_await acceptInboundTls(stream_, mode, credentials_.get());
  switch (tls.outcome) {
    case InboundTls::Outcome::kPlaintext:
      co_return true;
    case InboundTls::Outcome::kMutualTls:
      worker_.stats.mtlsEstablished(TlsDirection::kInbound);
      principal_ = std::move(tls.principal);
      clientCertificate_ = clientCertificateValue(worker_.state.module.principal, principal_);
      co_return true;
    case InboundTls::Outcome::kClosed:
      co_return false;
    case InboundTls::Outcome::kRefused:
      break;
  }
  worker_.stats.mtlsFailed(TlsDirection::kInbound, *tls.failure);
  if (const std::optional<uint64_t> heldBack =
          worker_.tlsRefusalLog.admit(LogThrottle::Clock::now())) {
    spdlog::warn("refused a connection from {}: {} ({} more refusals since the last report)", peer_,
                 make_error_code(*tls.failure).message(), *heldBack);
  }
  if (*tls.failure == TlsFailure::kPlaintext) {
    // A plaintext client is most likely an HTTP one sent to the wrong port, or a caller without
    // a certificate: it reads why, instead of a bare reset.
    co_await asio::async_write(stream_, asio::buffer(plaintextRefusal()), kNoThrow);
    phase_ = Phase::kRefused;
  }
  co_return false;
}

std::string_view DownstreamConnection::received() const {
  return {static_cast<const char*>(buffer_.data().data()), buffer_.size()};
}

void DownstreamConnection::closeIfIdle() {
  switch (phase_) {
    case Phase::kAwaitingFirstRequest:
      return;
    case Phase::kAwaitingRequest: {
      // A partly received request header is an in-flight request: let it finish. So are bytes
      // the kernel holds that the sidecar has not read yet; closing on them would reset.
      boost::system::error_code ec;
      const size_t unread = stream_.socket().available(ec);
      if (buffer_.size() == 0 && (ec || unread == 0)) stream_.shutdownAndClose();
      return;
    }
    case Phase::kLingering:
      stream_.shutdownAndClose();
      return;
    case Phase::kExchanging:
    case Phase::kRefused:
      return;
  }
}

asio::awaitable<void> DownstreamConnection::linger() {
  // Closing a socket with unread bytes resets the connection, and a reset can destroy the
  // response before the client reads it (and fails the client's upload). So the sidecar ends
  // its side with FIN and reads and discards what is still coming, within bounds.
  phase_ = Phase::kLingering;
  stream_.shutdownSend();
  asio::steady_timer limit(stream_.get_executor(), kLingerTime);
  limit.async_wait([this, self = shared_from_this()](const boost::system::error_code& ec) {
    if (!ec) stream_.cancel();
  });
  char* scratch = bodies_.request();
  size_t discarded = buffer_.size();
  while (discarded < kLingerBytes) {
    auto [ec, got] =
        co_await stream_.async_read_some(asio::buffer(scratch, kBodyPieceBytes), kNoThrow);
    if (ec) break;
    discarded += got;
  }
  limit.cancel();
}

asio::awaitable<bool> DownstreamConnection::serve(Exchange& exchange) {
  auto& request = exchange.request.get();
  exchange.facts.clientVersion = request.version();
  exchange.facts.clientKeepAlive = request.keep_alive();
  exchange.facts.head = request.method() == http::verb::head;
  exchange.facts.hadBody = !exchange.request.is_done();
  if (const std::optional<HeadRefusal> refusal =
          admitRequestHead(request, exchange.request.chunked(), exchange.request.content_length(),
                           worker_.state.maxRequestHeaderFields)) {
    // What follows such a head (a tunnel's bytes, a body framed some other way) cannot be
    // trusted to be the next request: the connection closes.
    const LocalReply reply{refusal->status, fmt::format("meshc: {}\n", refusal->reason)};
    co_return co_await answer(exchange, reply, false, ResponseFlag::kDownstreamProtocolError);
  }
  // Only this sidecar vouches for its callers: what a caller claims is replaced before the
  // policy or the application sees it.
  if (router_.reporter() == Reporter::kDestination) {
    setClientCertificateHeader(request, clientCertificate_);
  }
  const RequestHead head{request.method_string(), request.target(), &request};
  mesh_request seen;
  const RequestProblem problem =
      policyRequest_.build(head, peer_, principal_, worker_.prng.next(), seen);
  if (problem != RequestProblem::kNone) {
    // The message itself was read whole: without a body, the connection can carry another.
    const LocalReply reply{400, fmt::format("meshc: bad request: {}\n", describe(problem))};
    const bool keep = exchange.facts.clientKeepAlive && !exchange.facts.hadBody;
    co_return co_await answer(exchange, reply, keep, ResponseFlag::kDownstreamProtocolError);
  }
  exchange.route = router_.route(seen, worker_);
  if (!exchange.route.endpoint) {
    // An unread body would be taken for the next request: keep the connection only without one.
    // The decision is done with: its text moves into the reply.
    const LocalReply reply{exchange.route.status, std::move(exchange.route.message),
                           std::move(exchange.route.location)};
    const bool keep = exchange.facts.clientKeepAlive && !exchange.facts.hadBody;
    co_return co_await answer(exchange, reply, keep, exchange.route.flag);
  }
  co_return co_await forward(exchange);
}

asio::awaitable<bool> DownstreamConnection::forward(Exchange& exchange) {
  auto& request = exchange.request.get();
  // An HTTP/1.0 client does not know 100 Continue: the expectation is ignored (RFC 9110 §10.1.1).
  exchange.facts.expectContinue = exchange.facts.clientVersion >= 11 &&
                                  beast::iequals(request[http::field::expect], "100-continue");
  prepareUpstreamRequest(request, policyRequest_.forwarded(), exchange.route.rule, worker_.prng);
  // The copy starts from the request as forwarded; without a body it is whole already.
  exchange.mirror.begin(request, std::move(exchange.route.mirrors), worker_.mirrorBudget,
                        worker_.stats);
  if (exchange.request.is_done()) {
    dispatchMirrors(exchange.mirror, worker_, stream_.get_executor(), exchange.route.timeoutMs);
  }
  if (exchange.route.timeoutMs > 0) {
    exchange.deadline =
        Exchange::Clock::now() + std::chrono::milliseconds(exchange.route.timeoutMs);
  }
  timers_.beginExchange(exchange);
  const ClusterRequest onCluster(clusterStateOf(exchange.route, worker_));
  std::optional<Retries> retries;
  if (exchange.route.rule && exchange.route.rule->retry) {
    retries.emplace(*exchange.route.rule->retry, worker_, exchange.route);
    exchange.retries = &*retries;
    if (exchange.facts.hadBody) exchange.replay.start();
  }
  co_await attemptUpstream(exchange);
  // (In a while condition, GCC 12 evaluates a co_await on the right of && even when the left
  // is false; an if is compiled right.)
  if (retries) {
    while (co_await retryUpstream(exchange, *retries)) co_await attemptUpstream(exchange);
  }
  timers_.endExchange();
  // A copy still waiting for the rest of the body will not get it: the client or the upstream
  // stopped first.
  exchange.mirror.abandon(worker_.stats);

  ResponseFlag flag = responseFlagOf(exchange);
  if (flag == ResponseFlag::kNone && retries && retries->exhausted()) {
    flag = ResponseFlag::kUpstreamRetryLimitExceeded;
  }
  switch (outcomeOf(exchange)) {
    case Outcome::kRelayed:
      record(exchange, exchange.status, flag);
      co_return exchange.responseState ==
          ResponseState::kDone&& exchange.downstreamKeepAlive&& exchange.requestBody ==
          BodyState::kDone;
    case Outcome::kClientGone:
      record(exchange, 0, flag);
      co_return false;
    case Outcome::kUnanswered:
      break;
  }
  const bool keepAlive = exchange.facts.clientKeepAlive && exchange.requestBody == BodyState::kDone;
  const LocalReply reply = describeFailure(exchange, router_, worker_.state.streamIdleTimeout);
  const std::string_view reason(reply.message);
  spdlog::debug("{} {}: answering {}: {}", std::string_view(request.method_string()),
                std::string_view(request.target()), reply.status,
                reason.substr(0, reason.size() - 1));
  // (GCC 12 mishandles temporaries inside co_await expressions: arguments are named locals.)
  const bool keep = keepAlive && reply.status != 400;
  co_return co_await answer(exchange, reply, keep, flag);
}

asio::awaitable<void> DownstreamConnection::attemptUpstream(Exchange& exchange) {
  if (exchange.retries && exchange.route.rule->retry->perTryTimeout.count() > 0) {
    exchange.tryDeadline = Exchange::Clock::now() + exchange.route.rule->retry->perTryTimeout;
  }
  UpstreamAttempt attempt(exchange, Downstream{stream_, buffer_, bodies_}, worker_, router_,
                          timers_);
  for (int tries = 0; tries < 2; ++tries) {
    co_await attempt.connect(tries == 0);
    if (!exchange.upstream) break;
    co_await attempt.run();
    // A pooled connection can die between the liveness check and the write.
    if (tries > 0 || !mayRetryOnFreshConnection(exchange)) break;
    spdlog::debug("stale pooled connection to {} ({}), retrying on a new one",
                  exchange.route.endpoint->address.toString(), exchange.upstreamError.message());
    exchange.upstream.reset();
    exchange.upstreamError = {};
  }
  releaseUpstream(exchange, worker_.pool);
}

asio::awaitable<bool> DownstreamConnection::retryUpstream(Exchange& exchange, Retries& retries) {
  const std::optional<AttemptEnd> end = retries.retryAfter(exchange);
  if (!end) co_return false;
  const std::string failed = exchange.route.endpoint->address.toString();
  clearAttempt(exchange);
  exchange.route.endpoint = retries.nextEndpoint(exchange.route);
  const std::chrono::milliseconds wait = retries.backoff(worker_.prng.next());
  spdlog::debug("{} {}: retrying on {} after {} ms: {} from {}",
                std::string_view(exchange.request.get().method_string()),
                std::string_view(exchange.request.get().target()),
                exchange.route.endpoint->address.toString(), wait.count(), retryCause(*end),
                failed);
  // The route's timeout bounds the backoff too: its timer stays armed meanwhile.
  timers_.armUpstream(false);
  Exchange::Clock::time_point until = Exchange::Clock::now() + wait;
  if (exchange.deadline && *exchange.deadline < until) until = *exchange.deadline;
  asio::steady_timer backoff(stream_.get_executor(), until);
  co_await backoff.async_wait(kNoThrow);
  if (exchange.deadline && Exchange::Clock::now() >= *exchange.deadline &&
      exchange.abandoned == Abandoned::kNo) {
    exchange.abandoned = Abandoned::kRouteDeadline;
  }
  co_return exchange.abandoned == Abandoned::kNo;
}

asio::awaitable<bool> DownstreamConnection::answer(Exchange& exchange, const LocalReply& reply,
                                                   bool keepAlive, ResponseFlag flag) {
  std::string_view clusterTag;
  if (router_.tagsResponses() && exchange.route.cluster >= 0) {
    clusterTag = worker_.clusters->cluster(exchange.route.cluster).name;
  }
  // The deciding rule's CORS fields and response header edits go on every response to its
  // requests, the sidecar's own 5xx included (as Envoy applies a route's response_headers_to_add
  // to its local replies): a browser reads no error its CORS policy does not let it see.
  RuleResponseFields rule{exchange.route.corsFields, {}};
  if (exchange.route.rule) rule.edits = exchange.route.rule->responseHeaders;
  const bool keep = keepAlive && !worker_.state.draining();
  // No exchange timer watches this write, and a client that stops reading (pipelining without
  // reading, or before a large direct response) would hold it, and the connection, for ever.
  auto stalled = std::make_shared<bool>(false);
  asio::steady_timer bound(stream_.get_executor(), worker_.state.streamIdleTimeout);
  bound.async_wait([this, stalled, self = shared_from_this()](const boost::system::error_code& ec) {
    if (ec) return;
    *stalled = true;
    stream_.shutdownAndClose();
  });
  auto [written, reusable] =
      co_await writeLocalReply(stream_, exchange.facts, reply, clusterTag, rule, keep);
  bound.cancel();
  if (written && !reusable) phase_ = Phase::kRefused;
  if (written) {
    record(exchange, reply.status, flag);
  } else {
    record(exchange, 0,
           *stalled ? ResponseFlag::kStreamIdleTimeout
                    : ResponseFlag::kDownstreamConnectionTermination);
  }
  co_return reusable;
}

void DownstreamConnection::record(const Exchange& exchange, unsigned status, ResponseFlag flag) {
  const double elapsedMs =
      std::chrono::duration<double, std::milli>(Exchange::Clock::now() - exchange.start).count();
  worker_.stats.recordRequest(
      RequestSeriesKey{router_.reporter(), exchange.route.cluster, static_cast<uint16_t>(status),
                       static_cast<int16_t>(exchange.route.variant), flag},
      elapsedMs);
}

void DownstreamConnection::idleTimedOut() { stream_.shutdownAndClose(); }

void DownstreamConnection::abandon(Exchange& exchange, Abandoned why) {
  if (rank(why) >= rank(exchange.abandoned)) exchange.abandoned = why;
  if (exchange.upstream) exchange.upstream->stream.close();
  if (responseCommitted(exchange.responseState)) {
    stream_.shutdownAndClose();  // mid-body there is no way left to report the timeout
  } else if (bodyInFlight(exchange.requestBody)) {
    exchange.requestBody = BodyState::kAbandoned;
    stream_.cancel();  // stop reading the upload so the 408/504 can go out now
  }
}

}  // namespace mesh
