#include "http/UpstreamAttempt.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <string_view>

#include "core/WorkerContext.h"
#include "http/BeastFields.h"
#include "http/BodyReader.h"
#include "http/HopByHop.h"
#include "http/MessageFraming.h"
#include "http/MirrorSender.h"
#include "http/Retries.h"
#include "http/UpstreamProtocolError.h"
#include "policy/Cors.h"
#include "policy/HeaderEditing.h"
#include "request/Via.h"
#include "upstream/Connector.h"

namespace mesh {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using namespace asio::experimental::awaitable_operators;

namespace {

constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);

// The local application is reached in plaintext; a service's endpoints as its mode says.
UpstreamSecurity securityOf(const Exchange& exchange, const WorkerContext& worker) {
  const RouteDecision& route = exchange.route;
  if (route.cluster < 0 || route.endpoint == route.table->app()) return {};
  const Cluster& cluster = route.table->cluster(static_cast<uint32_t>(route.cluster));
  return upstreamSecurityFor(worker.state, cluster.serviceIndex);
}

}  // namespace

UpstreamAttempt::UpstreamAttempt(Exchange& exchange, Downstream downstream, WorkerContext& worker,
                                 const Router& router, ConnectionTimers& timers)
    : exchange_(exchange),
      downstream_(downstream),
      worker_(worker),
      router_(router),
      timers_(timers),
      active_(worker.upstreams.endpoint(exchange.route.endpoint->id), nullptr) {}

asio::awaitable<void> UpstreamAttempt::connect(bool allowPooled) {
  const Endpoint& endpoint = *exchange_.route.endpoint;
  const UpstreamSecurity security = securityOf(exchange_, worker_);
  exchange_.upstream = allowPooled ? worker_.pool.take(endpoint.id) : nullptr;
  if (exchange_.upstream && !suits(*exchange_.upstream, security)) exchange_.upstream.reset();
  if (!exchange_.upstream) {
    exchange_.upstream =
        std::make_unique<UpstreamConnection>(downstream_.stream.get_executor(), worker_.stats);
    timers_.armUpstream(true);
    const std::function<bool()> abandoned = [this] {
      return exchange_.abandoned != Abandoned::kNo;
    };
    const beast::error_code ec =
        co_await connectUpstream(*exchange_.upstream, endpoint.address, abandoned, security,
                                 worker_.state);
    if (ec || exchange_.abandoned != Abandoned::kNo) {
      worker_.stats.connectFailed();
      exchange_.connectError = exchange_.abandoned != Abandoned::kNo ? asio::error::timed_out : ec;
      exchange_.upstream.reset();
      co_return;
    }
    exchange_.upstream->markConnected();
    beast::error_code ignored;
    exchange_.upstream->stream.socket().set_option(asio::ip::tcp::no_delay(true), ignored);
  }
  timers_.armUpstream(false);
}

asio::awaitable<void> UpstreamAttempt::run() {
  UpstreamConnection& upstream = *exchange_.upstream;
  exchange_.requestWriter.emplace(exchange_.request.get());
  auto [ec, bytes] =
      co_await http::async_write_header(upstream.stream, *exchange_.requestWriter, kNoThrow);
  if (ec) {
    exchange_.upstreamError = ec;
    co_return;
  }
  if (exchange_.request.is_done()) {
    // A body read whole already: an earlier attempt took it from the client and kept it.
    if (exchange_.facts.hadBody && !co_await writeReplayedBody()) co_return;
    exchange_.requestBody = BodyState::kDone;
    co_await relayResponse();
    co_return;
  }
  if (exchange_.facts.expectContinue) {
    // A failed write here shows up again in the body pump.
    static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    co_await asio::async_write(downstream_.stream, asio::buffer(kContinue), kNoThrow);
  }
  // Both directions at once: an upstream may answer (or echo) before the upload ends.
  co_await (pumpRequestBody() && relayResponse());
}

asio::awaitable<void> UpstreamAttempt::pumpRequestBody() {
  RequestParser& parser = exchange_.request;
  http::buffer_body::value_type& body = parser.get().body();
  char* buffer = downstream_.bodies.request();
  UpstreamConnection& upstream = *exchange_.upstream;
  const HeaderFields headerFields(parser.get(), parser.chunked());
  reserveForBody(downstream_.buffer);
  while (!parser.is_done()) {
    if (bodyInFlight(exchange_.requestBody)) exchange_.requestBody = BodyState::kReadingClient;
    const auto [readError, got] = co_await readBodyPiece(downstream_.stream, downstream_.buffer,
                                                         parser, buffer, headerFields);
    if (readError) {
      if (bodyInFlight(exchange_.requestBody)) {
        exchange_.requestBody =
            isMalformedMessage(readError) ? BodyState::kClientMalformed : BodyState::kClientGone;
      }
      // The upstream holds half a request and is useless; closing it also wakes the response
      // side, which would otherwise wait for an answer to a request that never completes.
      upstream.stream.close();
      co_return;
    }
    if (bodyInFlight(exchange_.requestBody)) exchange_.requestBody = BodyState::kWritingUpstream;
    timers_.touch();
    exchange_.mirror.append(buffer, got, worker_.stats);
    exchange_.replay.append(buffer, got);
    if (parser.is_done()) {
      dispatchMirrors(exchange_.mirror, worker_, downstream_.stream.get_executor(),
                      exchange_.route.timeoutMs);
    }
    if (got == 0 && !parser.is_done()) continue;
    body.data = got > 0 ? buffer : nullptr;
    body.size = got;
    body.more = !parser.is_done();
    auto [writeError, writeBytes] =
        co_await http::async_write(upstream.stream, *exchange_.requestWriter, kNoThrow);
    if (writeError == http::error::need_buffer) writeError = {};
    if (writeError) {
      if (bodyInFlight(exchange_.requestBody)) exchange_.requestBody = BodyState::kUpstreamFailed;
      if (!exchange_.upstreamError) exchange_.upstreamError = writeError;
      co_return;
    }
    timers_.touch();
  }
  exchange_.requestBody = BodyState::kDone;
}

asio::awaitable<bool> UpstreamAttempt::writeReplayedBody() {
  http::buffer_body::value_type& body = exchange_.request.get().body();
  const std::string_view kept = exchange_.replay.bytes();
  // The serializer only reads the piece; Beast's buffer_body wants it mutable all the same.
  body.data = kept.empty() ? nullptr : const_cast<char*>(kept.data());
  body.size = kept.size();
  body.more = false;
  auto [ec, bytes] =
      co_await http::async_write(exchange_.upstream->stream, *exchange_.requestWriter, kNoThrow);
  if (ec) {
    exchange_.upstreamError = ec;
    co_return false;
  }
  timers_.touch();
  co_return true;
}

asio::awaitable<void> UpstreamAttempt::relayResponse() {
  UpstreamConnection& upstream = *exchange_.upstream;
  bool haveFinalHeader = false;
  unsigned interimResponses = 0;
  while (!haveFinalHeader) {
    ResponseParser& parser = exchange_.response.emplace();
    applyReadLimits(parser);
    parser.skip(exchange_.facts.head);
    auto [ec, bytes] =
        co_await http::async_read_header(upstream.stream, upstream.buffer, parser, kNoThrow);
    if (ec) {
      if (parser.got_some()) exchange_.responseState = ResponseState::kPartial;
      if (!exchange_.upstreamError) exchange_.upstreamError = ec;
      break;
    }
    exchange_.responseState = ResponseState::kPartial;
    timers_.touch();
    const unsigned status = parser.get().result_int();
    if (status == 101) {
      // Upgrade is stripped from requests, so a switch of protocols is a broken upstream.
      exchange_.upstreamError = http::error::bad_status;
      break;
    }
    // Interim responses (100 Continue, 103 Early Hints) are dropped: the sidecar already
    // answered the client's Expect itself.
    haveFinalHeader = status >= 200;
    if (!haveFinalHeader && ++interimResponses > kMaxInterimResponses) {
      exchange_.upstreamError = UpstreamProtocolError::kTooManyInterimResponses;
      upstream.stream.close();
      break;
    }
  }
  if (haveFinalHeader) {
    exchange_.responseState = ResponseState::kHeaderReceived;
    if (exchange_.tryDeadline) {
      // The per-try timeout bounds the wait for a head, as the route's timeout does.
      exchange_.tryDeadline.reset();
      timers_.armUpstream(false);
    }
    const ResponseParser& parser = *exchange_.response;
    if (responseFramingIsAmbiguous(parser.get(), parser.chunked())) {
      // Relaying it would hand the client the same ambiguity: refuse it, and the connection,
      // whose next bytes may be this body or the next response.
      exchange_.upstreamError = UpstreamProtocolError::kAmbiguousFraming;
      upstream.stream.close();
    } else if (exchange_.retries &&
               exchange_.retries->holdsResponse(exchange_, parser.get().result_int())) {
      // Nothing of it reached the client, which gets another attempt's response instead. The
      // body is not read: the connection goes, as Envoy resets the stream.
      exchange_.responseState = ResponseState::kHeldForRetry;
      upstream.stream.close();
    } else {
      co_await relayResponseBody();
    }
  }
  if (bodyInFlight(exchange_.requestBody)) {
    // The response is over while the client is still uploading: the rest of the body can go
    // nowhere, so stop reading it; neither connection can be reused.
    exchange_.requestBody = BodyState::kAbandoned;
    downstream_.stream.cancel();
    upstream.stream.close();
  }
}

asio::awaitable<void> UpstreamAttempt::relayResponseBody() {
  UpstreamConnection& upstream = *exchange_.upstream;
  ResponseParser& parser = *exchange_.response;
  auto& response = parser.get();
  exchange_.upstreamKeepAlive = response.keep_alive() && !parser.need_eof();
  removeHopByHopHeaders(response);
  BeastFields fields(response);
  appendVia(fields, response.version());  // before the version becomes the client's
  normalizeContentLength(response, parser.content_length());
  // Before the cluster tag, which states a fact no policy should be able to blur.
  applyCorsFields(response, exchange_.route.corsFields);
  if (exchange_.route.rule) applyHeaderEdits(response, exchange_.route.rule->responseHeaders);
  if (!exchange_.route.setCookie.empty()) {
    response.insert(boost::beast::http::field::set_cookie, exchange_.route.setCookie);
  }
  if (router_.tagsResponses() && exchange_.route.cluster >= 0) {
    response.set(kClusterHeader, exchange_.route.table->cluster(exchange_.route.cluster).name);
  }
  const bool delimited =
      frameResponseForClient(response, parser.need_eof(), exchange_.facts.clientVersion);
  exchange_.downstreamKeepAlive =
      exchange_.facts.clientKeepAlive && delimited && !worker_.state.draining();
  response.keep_alive(exchange_.downstreamKeepAlive);
  exchange_.status = response.result_int();

  auto& writer = exchange_.responseWriter.emplace(response);
  exchange_.responseState = ResponseState::kSending;
  if (parser.is_done()) {
    // HEAD, 204, 304 or Content-Length: 0. Writing the empty body through the serializer would
    // add a terminating chunk to a chunked HEAD response.
    auto [headerError, headerBytes] =
        co_await http::async_write_header(downstream_.stream, writer, kNoThrow);
    exchange_.responseState = headerError ? ResponseState::kDownstreamFailed : ResponseState::kDone;
    if (headerError) upstream.stream.close();
    co_return;
  }

  char* buffer = downstream_.bodies.response();
  const HeaderFields headerFields(response, parser.chunked());  // the header's edits are done
  reserveForBody(upstream.buffer);
  // Whatever of the body arrived with the header goes out in the same write as the header.
  response.body().data = buffer;
  response.body().size = kBodyPieceBytes;
  const beast::error_code bufferedError = parseBufferedBody(parser, upstream.buffer, headerFields);
  if (bufferedError) {
    exchange_.responseState = ResponseState::kHeaderReceived;  // nothing written: 502 can go out
    exchange_.upstreamError = bufferedError;
    upstream.stream.close();
    co_return;
  }
  const size_t buffered = kBodyPieceBytes - response.body().size;
  if (buffered == 0 && !parser.is_done()) {
    // Without body bytes the serializer would hold the header back until some arrive, and an
    // upstream may send its head long before its body (server-sent events, long polls): the
    // client must see the head now.
    if (!co_await writeResponseHeader()) co_return;
  } else if (!co_await writeResponsePiece(buffer, buffered)) {
    co_return;
  }
  while (!parser.is_done()) {
    const auto [readError, got] =
        co_await readBodyPiece(upstream.stream, upstream.buffer, parser, buffer, headerFields);
    if (readError) {
      // Half a response must look broken to the client, not complete: abort the connection.
      if (!exchange_.upstreamError) exchange_.upstreamError = readError;
      downstream_.stream.shutdownAndClose();
      co_return;
    }
    timers_.touch();
    if (got == 0 && !parser.is_done()) continue;
    if (!co_await writeResponsePiece(buffer, got)) co_return;
  }
  exchange_.responseState = ResponseState::kDone;
}

asio::awaitable<bool> UpstreamAttempt::writeResponseHeader() {
  auto [ec, bytes] =
      co_await http::async_write_header(downstream_.stream, *exchange_.responseWriter, kNoThrow);
  if (ec) {
    exchange_.responseState = ResponseState::kDownstreamFailed;
    exchange_.upstream->stream.close();
    co_return false;
  }
  timers_.touch();
  co_return true;
}

asio::awaitable<bool> UpstreamAttempt::writeResponsePiece(char* data, size_t size) {
  ResponseParser& parser = *exchange_.response;
  http::buffer_body::value_type& body = parser.get().body();
  body.data = size > 0 ? data : nullptr;
  body.size = size;
  body.more = !parser.is_done();
  auto [ec, bytes] =
      co_await http::async_write(downstream_.stream, *exchange_.responseWriter, kNoThrow);
  if (ec && ec != http::error::need_buffer) {
    exchange_.responseState = ResponseState::kDownstreamFailed;
    exchange_.upstream->stream.close();
    co_return false;
  }
  timers_.touch();
  co_return true;
}

ClusterState* clusterStateOf(const RouteDecision& route, WorkerContext& worker) {
  if (route.cluster < 0 || route.endpoint == route.table->app()) return nullptr;
  return &worker.upstreams.cluster(static_cast<uint32_t>(route.cluster));
}

void releaseUpstream(Exchange& exchange, ConnectionPool& pool) {
  if (!exchange.upstream) return;
  const bool reusable = exchange.responseState == ResponseState::kDone &&
                        exchange.requestBody == BodyState::kDone && exchange.upstreamKeepAlive &&
                        exchange.abandoned == Abandoned::kNo && exchange.upstream->stream.isOpen();
  if (reusable) {
    exchange.upstream->reused = false;
    pool.give(exchange.route.endpoint->id, std::move(exchange.upstream));
  }
  exchange.upstream.reset();
}

}  // namespace mesh
