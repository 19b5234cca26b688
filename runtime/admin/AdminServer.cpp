#include "admin/AdminServer.h"

#include <spdlog/spdlog.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include "admin/ConfigJson.h"
#include "core/Listener.h"
#include "observability/StatsSnapshot.h"
#include "tls/TlsCredentials.h"

namespace mesh {
namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);
constexpr auto kIdleTimeout = std::chrono::seconds(30);
// Bounds what a client can make the server buffer (a request header, or a chunk header with
// endless extensions): past it the read fails and the connection closes, as on any bad request.
constexpr size_t kMaxBufferedBytes = 16 * 1024;

void logFailure(const std::exception_ptr& error) {
  if (!error) return;
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    spdlog::error("admin server: {}", e.what());
  }
}

}  // namespace

struct AdminServer::Impl : std::enable_shared_from_this<AdminServer::Impl> {
  Impl(asio::io_context& context, const tcp::endpoint& endpoint, AdminSources adminSources)
      : acceptor(openListener(context.get_executor(), endpoint, PortSharing::kNone)),
        sources(std::move(adminSources)) {}

  asio::awaitable<void> acceptLoop() {
    auto self = shared_from_this();
    for (;;) {
      auto [ec, socket] = co_await acceptor.async_accept(kNoThrow);
      if (!acceptor.is_open()) co_return;
      if (ec) continue;
      asio::co_spawn(acceptor.get_executor(), serve(beast::tcp_stream(std::move(socket))),
                     logFailure);
    }
  }

  asio::awaitable<void> serve(beast::tcp_stream stream) {
    auto self = shared_from_this();
    beast::flat_buffer buffer(kMaxBufferedBytes);
    for (;;) {
      http::request_parser<http::string_body> parser;
      parser.body_limit(64 * 1024);
      stream.expires_after(kIdleTimeout);
      auto [readError, readBytes] = co_await http::async_read(stream, buffer, parser, kNoThrow);
      if (readError) break;
      const auto& request = parser.get();
      http::response<http::string_body> response = respond(request);
      response.version(request.version());
      const bool keepAlive = request.keep_alive();
      response.keep_alive(keepAlive);
      response.prepare_payload();
      if (request.method() == http::verb::head) response.body().clear();
      auto [writeError, writeBytes] = co_await http::async_write(stream, response, kNoThrow);
      if (writeError || !keepAlive) break;
    }
    beast::error_code ignored;
    stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  }

  http::response<http::string_body> respond(const http::request<http::string_body>& request) {
    std::string_view path = request.target();
    path = path.substr(0, path.find('?'));
    auto reply = [](http::status status, std::string_view contentType, std::string body) {
      http::response<http::string_body> response{status, 11};
      response.set(http::field::content_type, contentType);
      response.body() = std::move(body);
      return response;
    };
    const bool known = path == "/ready" || path == "/stats" || path == "/config";
    if (!known) return reply(http::status::not_found, "text/plain", "not found\n");
    if (request.method() != http::verb::get && request.method() != http::verb::head) {
      auto response = reply(http::status::method_not_allowed, "text/plain", "use GET\n");
      response.set(http::field::allow, "GET, HEAD");
      return response;
    }
    if (path == "/ready") {
      return sources.state.draining()
                 ? reply(http::status::service_unavailable, "text/plain", "draining\n")
                 : reply(http::status::ok, "text/plain", "ready\n");
    }
    if (path == "/stats") {
      StatsSnapshot snapshot = collectStats(sources.shards);
      if (const auto credentials = sources.state.credentials()) {
        snapshot.certificateNotAfter = std::chrono::duration_cast<std::chrono::seconds>(
                                           credentials->notAfter().time_since_epoch())
                                           .count();
      }
      return reply(http::status::ok, "text/plain; version=0.0.4; charset=utf-8",
                   renderPrometheus(snapshot, sources.labels));
    }
    return reply(http::status::ok, "application/json",
                 renderConfigJson(sources.state.module, sources.state.rules,
                                  *sources.state.clusters(), sources.state.credentials().get()));
  }

  tcp::acceptor acceptor;
  AdminSources sources;
};

AdminServer::AdminServer(asio::io_context& context, const tcp::endpoint& endpoint,
                         AdminSources sources)
    : impl_(std::make_shared<Impl>(context, endpoint, std::move(sources))) {}

AdminServer::~AdminServer() = default;

uint16_t AdminServer::port() const { return impl_->acceptor.local_endpoint().port(); }

void AdminServer::start() {
  asio::co_spawn(impl_->acceptor.get_executor(), impl_->acceptLoop(), logFailure);
}

}  // namespace mesh
