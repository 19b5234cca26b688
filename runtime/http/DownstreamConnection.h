#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <memory>
#include <string>
#include <string_view>

#include "core/SessionList.h"
#include "http/ConnectionTimers.h"
#include "http/PolicyRequest.h"
#include "http/Stream.h"
#include "http/UpstreamAttempt.h"
#include "tls/TlsCredentials.h"

namespace mesh {

class Retries;

class Router;
struct LocalReply;
struct WorkerContext;

// One downstream connection of a proxy listener. It reads requests one after the other, asks the
// router where each goes, and either answers locally (LocalReply) or hands the exchange to an
// UpstreamAttempt, until either side closes, a request says Connection: close, or the sidecar
// drains. Lives on one worker thread; owned by a shared_ptr that its coroutine holds.
class DownstreamConnection final : public std::enable_shared_from_this<DownstreamConnection>,
                                   public DrainableSession,
                                   public TimerOwner {
 public:
  DownstreamConnection(boost::asio::ip::tcp::socket socket, WorkerContext& worker,
                       const Router& router);
  ~DownstreamConnection() override;

  boost::asio::awaitable<void> run();
  void closeIfIdle() override;

 private:
  // Where the connection is in its life; what closeIfIdle and the end of run() go by.
  enum class Phase {
    // Accepted, nothing served yet: the client connected to send a request, which may be in the
    // sidecar's read already. The drain answers it instead of closing it; the idle timeout
    // bounds a client that sends nothing.
    kAwaitingFirstRequest,
    kAwaitingRequest,
    kExchanging,
    kRefused,    // a local reply that closes the connection went out; the request may be unread
    kLingering,  // discarding what the client still sends, before closing
  };

  // Mutual TLS or plaintext, as the listener's mode and the first byte say; false when the
  // connection must close without serving anything.
  boost::asio::awaitable<bool> secure();
  boost::asio::awaitable<bool> serve(Exchange& exchange);
  boost::asio::awaitable<bool> forward(Exchange& exchange);
  // One attempt upstream (with a second chance on a fresh connection when a pooled one turns
  // out dead), its connection returned to the pool if it can carry another exchange.
  boost::asio::awaitable<void> attemptUpstream(Exchange& exchange);
  // After an attempt: whether the rule's retry policy sends the request again. If so, the
  // exchange is cleared for the next attempt, its endpoint chosen, and the backoff waited.
  boost::asio::awaitable<bool> retryUpstream(Exchange& exchange, Retries& retries);
  // `flag` says why the sidecar answers itself; a reply that cannot be written is counted as
  // none, the client having left.
  boost::asio::awaitable<bool> answer(Exchange& exchange, const LocalReply& reply, bool keepAlive,
                                      ResponseFlag flag);
  // `status` is what the client got: 0 for nothing, and then `flag` says why.
  void record(const Exchange& exchange, unsigned status, ResponseFlag flag);
  boost::asio::awaitable<void> linger();
  // What the read buffer holds and no parser has taken yet.
  std::string_view received() const;

  void idleTimedOut() override;
  void abandon(Exchange& exchange, Abandoned why) override;
  bool connectionOpen() const override { return stream_.isOpen(); }

  // Under mutual TLS: the credentials its session came from, declared before the stream, which
  // must not outlive them; and the verified SPIFFE ID of the client. Empty on plaintext.
  std::shared_ptr<const TlsCredentials> credentials_;
  std::string principal_;
  std::string clientCertificate_;  // its x-forwarded-client-cert (UpstreamRequest.h)
  Stream stream_;
  boost::beast::flat_buffer buffer_;
  WorkerContext& worker_;
  const Router& router_;
  std::string peer_;
  PolicyRequestBuilder policyRequest_;
  ConnectionTimers timers_;
  BodyBuffers bodies_;
  Phase phase_ = Phase::kAwaitingFirstRequest;
};

}  // namespace mesh
