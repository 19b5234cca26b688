#include "http/MirrorSender.h"

#include <spdlog/spdlog.h>

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/http/read.hpp>
#include <functional>

#include "core/WorkerContext.h"
#include "http/BodyReader.h"
#include "http/Exchange.h"
#include "upstream/Connector.h"

namespace mesh {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);

// How one try on a connection ended.
enum class TryResult {
  kReusable,  // a whole response came back, and the connection may carry another request
  kAnswered,  // a whole response came back; the connection ends with it
  kNoAnswer,  // the connection failed before any byte of a response
  kBroken,    // the connection failed during the response
};

// Why a mirrored request was cut off before it was done.
enum class Cut {
  kNo,
  kDeadline,  // its own time limit passed
  kDrain,     // the sidecar drains: copies are not worth waiting for
};

// One mirrored request in flight, listed in its worker's `mirrors` so that a drain can cut it
// off. Its deadline holds it weakly: when the time is up it closes the connection, which ends
// whatever the coroutine waits on; once the coroutine is done, the deadline finds nothing to close.
class MirrorSend final : public DrainableSession {
 public:
  MirrorSend(WorkerContext& w, std::shared_ptr<const MirrorPayload> p, uint32_t c,
             const asio::any_io_executor& executor)
      : worker(w), payload(std::move(p)), cluster(c), table(w.clusters), deadline(executor) {
    worker.mirrors.add(this);
  }
  ~MirrorSend() override { worker.mirrors.remove(this); }
  MirrorSend(const MirrorSend&) = delete;
  MirrorSend& operator=(const MirrorSend&) = delete;

  void closeIfIdle() override { cutOff(Cut::kDrain); }

  void cutOff(Cut why) {
    if (cut == Cut::kNo) cut = why;
    if (connection) connection->stream.close();
  }

  WorkerContext& worker;
  std::shared_ptr<const MirrorPayload> payload;
  const uint32_t cluster;
  // The endpoint list the pick comes from, kept alive for the request across a reload.
  const std::shared_ptr<const ClusterTable> table;
  std::unique_ptr<UpstreamConnection> connection;
  asio::steady_timer deadline;
  Cut cut = Cut::kNo;
};

void armDeadline(const std::shared_ptr<MirrorSend>& send, std::chrono::milliseconds timeout) {
  send->deadline.expires_after(timeout);
  send->deadline.async_wait(
      [weak = std::weak_ptr<MirrorSend>(send)](const boost::system::error_code& ec) {
        const std::shared_ptr<MirrorSend> live = weak.lock();
        if (!ec && live) live->cutOff(Cut::kDeadline);
      });
}

asio::awaitable<TryResult> readResponse(MirrorSend& send) {
  UpstreamConnection& connection = *send.connection;
  std::unique_ptr<char[]> scratch;  // where a body passes on its way to nowhere
  for (;;) {
    ResponseParser parser;
    applyReadLimits(parser);
    parser.skip(send.payload->headRequest);
    auto [headerError, headerBytes] =
        co_await http::async_read_header(connection.stream, connection.buffer, parser, kNoThrow);
    if (headerError) co_return parser.got_some() ? TryResult::kBroken : TryResult::kNoAnswer;
    if (parser.get().result_int() < 200) continue;  // interim responses
    const HeaderFields headerFields(parser.get(), parser.chunked());
    if (!parser.is_done()) scratch = std::make_unique<char[]>(kBodyPieceBytes);
    while (!parser.is_done()) {
      const auto [readError, got] = co_await readBodyPiece(connection.stream, connection.buffer,
                                                           parser, scratch.get(), headerFields);
      if (readError) co_return TryResult::kBroken;
    }
    co_return parser.get().keep_alive() && !parser.need_eof() ? TryResult::kReusable
                                                              : TryResult::kAnswered;
  }
}

asio::awaitable<TryResult> tryOnce(MirrorSend& send) {
  const MirrorPayload& payload = *send.payload;
  const std::array<asio::const_buffer, 2> request{asio::buffer(payload.head),
                                                  asio::buffer(payload.body)};
  // Even when the write fails, a peer may have answered before it closed: its answer counts. A
  // connection that is gone fails the read at once.
  co_await asio::async_write(send.connection->stream, request, kNoThrow);
  co_return co_await readResponse(send);
}

asio::awaitable<bool> connect(MirrorSend& send, const Endpoint& endpoint,
                              const UpstreamSecurity& security) {
  send.connection =
      std::make_unique<UpstreamConnection>(send.deadline.get_executor(), send.worker.stats);
  const std::function<bool()> abandoned = [&send] { return send.cut != Cut::kNo; };
  const beast::error_code ec =
      co_await connectUpstream(*send.connection, endpoint.address, abandoned, security,
                               send.worker.state);
  if (ec || send.cut != Cut::kNo) {
    send.worker.stats.connectFailed();
    send.connection.reset();
    co_return false;
  }
  send.connection->markConnected();
  beast::error_code ignored;
  send.connection->stream.socket().set_option(asio::ip::tcp::no_delay(true), ignored);
  co_return true;
}

asio::awaitable<void> run(std::shared_ptr<MirrorSend> send, std::chrono::milliseconds timeout) {
  WorkerContext& worker = send->worker;
  worker.stats.recordMirror(send->cluster, MirrorResult::kSent);
  const Cluster& cluster = send->table->cluster(send->cluster);
  if (cluster.endpoints.empty()) {
    worker.stats.recordMirror(send->cluster, MirrorResult::kFailed);
    co_return;
  }
  const Endpoint& endpoint = cluster.endpoints[worker.upstreams.pick(send->cluster, cluster)];
  const ActiveRequest active(worker.upstreams.endpoint(endpoint.id),
                             &worker.upstreams.cluster(send->cluster));
  armDeadline(send, timeout);
  const UpstreamSecurity security = upstreamSecurityFor(worker.state, cluster.serviceIndex);
  send->connection = worker.pool.take(endpoint.id);
  if (send->connection && !suits(*send->connection, security)) send->connection.reset();
  TryResult result = TryResult::kNoAnswer;
  // A pooled connection can have died unseen: then, as for the primary, one more try on a new
  // connection, which the peer cannot have acted on twice when nothing came back.
  for (int tries = 0; tries < 2 && send->cut == Cut::kNo; ++tries) {
    const bool pooled = send->connection != nullptr;
    if (!pooled && !co_await connect(*send, endpoint, security)) break;
    result = co_await tryOnce(*send);
    if (result != TryResult::kNoAnswer || !pooled) break;
    send->connection.reset();
  }
  send->deadline.cancel();
  bool answered = false;
  switch (result) {
    case TryResult::kReusable:
      answered = true;
      if (send->cut == Cut::kNo && send->connection->stream.isOpen()) {
        send->connection->reused = false;
        worker.pool.give(endpoint.id, std::move(send->connection));
      }
      break;
    case TryResult::kAnswered:
      answered = true;
      break;
    case TryResult::kNoAnswer:
    case TryResult::kBroken:
      break;
  }
  worker.stats.recordMirror(send->cluster,
                            answered ? MirrorResult::kSucceeded : MirrorResult::kFailed);
  send->connection.reset();
}

}  // namespace

std::chrono::milliseconds mirrorTimeout(uint64_t ruleTimeoutMs) {
  if (ruleTimeoutMs == 0 || ruleTimeoutMs > static_cast<uint64_t>(kMaxMirrorTime.count())) {
    return kMaxMirrorTime;
  }
  return std::chrono::milliseconds(ruleTimeoutMs);
}

void dispatchMirrors(MirrorCopy& copy, WorkerContext& worker, const asio::any_io_executor& executor,
                     uint64_t ruleTimeoutMs) {
  // A draining sidecar starts nothing it would have to wait for.
  if (worker.state.draining()) copy.abandon(worker.stats);
  const std::shared_ptr<const MirrorPayload> payload = copy.finish();
  if (!payload) return;
  const std::chrono::milliseconds timeout = mirrorTimeout(ruleTimeoutMs);
  for (const uint32_t cluster : copy.clusters()) {
    auto send = std::make_shared<MirrorSend>(worker, payload, cluster, executor);
    asio::co_spawn(send->deadline.get_executor(), run(send, timeout),
                   [](const std::exception_ptr& error) {
                     if (!error) return;
                     try {
                       std::rethrow_exception(error);
                     } catch (const std::exception& e) {
                       spdlog::warn("mirror: {}", e.what());
                     }
                   });
  }
}

}  // namespace mesh
