// demo-backend: a small single-threaded HTTP/1.1 application standing in for a workload in demos
// and end-to-end tests. Every response names the service and version it plays, so a test can
// tell which endpoint a request reached, and x-backend-connection numbers the connection it came
// on, so a test can see keep-alive reuse. Bodies are streamed in both directions, never buffered.
//
//   GET /anything     -> "<service> <version>\n"
//   /echo             -> the request body, streamed back (chunked)
//   /sha256           -> "<hex sha256 of the request body> <byte count>\n"
//   /bytes?n=N        -> N bytes, byte i = i % 251, chunked (&pause_ms=M: wait M ms per 16 KiB)
//   /delay?ms=N       -> the default answer after N ms (a timer: the thread keeps serving)
//   /status?code=N    -> the default answer with status N
//   /headers          -> the request headers as received, one "name: value" per line
#include <openssl/evp.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <charconv>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <string>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);
constexpr size_t kChunk = 16 * 1024;

struct Identity {
  std::string service;
  std::string version;
};

// The value of `name` in a query string such as "n=10&x=y", or empty.
std::string_view queryParam(std::string_view query, std::string_view name) {
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    if (pair.size() > name.size() && pair.substr(0, name.size()) == name &&
        pair[name.size()] == '=') {
      return pair.substr(name.size() + 1);
    }
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
  }
  return {};
}

uint64_t toNumber(std::string_view text, uint64_t fallback) {
  uint64_t value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return ec == std::errc() && end == text.data() + text.size() ? value : fallback;
}

class Connection {
 public:
  Connection(tcp::socket socket, const Identity& identity, uint64_t number)
      : socket_(std::move(socket)),
        identity_(identity),
        number_(number),
        chunk_(new char[kChunk]) {}

  asio::awaitable<void> run() {
    for (;;) {
      http::request_parser<http::buffer_body> parser;
      parser.body_limit(boost::none);
      auto [ec, bytes] = co_await http::async_read_header(socket_, buffer_, parser, kNoThrow);
      if (ec) {
        const bool malformed =
            ec.category() == make_error_code(http::error::bad_method).category() &&
            ec != http::error::end_of_stream && ec != http::error::partial_message;
        if (malformed) {
          const std::string answer = "bad request\n";
          co_await reply(http::status::bad_request, answer, false, 11);
        }
        break;
      }
      if (!co_await handle(parser)) break;
    }
    beast::error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
  }

 private:
  using Parser = http::request_parser<http::buffer_body>;

  // Returns whether the connection may carry another request.
  asio::awaitable<bool> handle(Parser& parser) {
    const auto& request = parser.get();
    const std::string_view target = request.target();
    const std::string_view path = target.substr(0, target.find('?'));
    const std::string_view query =
        target.find('?') == std::string_view::npos ? "" : target.substr(target.find('?') + 1);
    const bool keepAlive = request.keep_alive();
    const unsigned version = request.version();
    headRequest_ = request.method() == http::verb::head;
    if (beast::iequals(request[http::field::expect], "100-continue")) {
      // Otherwise curl waits a second before it sends a body.
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      co_await asio::async_write(socket_, asio::buffer(kContinue), kNoThrow);
    }

    if (path == "/echo") co_return co_await echo(parser) && keepAlive;
    if (path == "/sha256") {
      EVP_MD_CTX* context = EVP_MD_CTX_new();
      EVP_DigestInit_ex(context, EVP_sha256(), nullptr);
      uint64_t total = 0;
      const auto digestChunk = [&](const char* data, size_t size) {
        EVP_DigestUpdate(context, data, size);
        total += size;
      };
      const bool ok = co_await readBody(parser, digestChunk);
      unsigned char digest[EVP_MAX_MD_SIZE];
      unsigned length = 0;
      EVP_DigestFinal_ex(context, digest, &length);
      EVP_MD_CTX_free(context);
      if (!ok) co_return false;
      std::string hex;
      for (unsigned i = 0; i < length; ++i) {
        static constexpr char kHex[] = "0123456789abcdef";
        hex += kHex[digest[i] >> 4];
        hex += kHex[digest[i] & 0xf];
      }
      const std::string answer = hex + " " + std::to_string(total) + "\n";
      co_return co_await reply(http::status::ok, answer, keepAlive, version);
    }
    const auto discard = [](const char*, size_t) {};
    if (!co_await readBody(parser, discard)) co_return false;
    if (path == "/bytes") {
      const uint64_t count = toNumber(queryParam(query, "n"), 0);
      const std::chrono::milliseconds pause(
          std::min<uint64_t>(toNumber(queryParam(query, "pause_ms"), 0), 10000));
      co_return co_await sendBytes(count, pause) && keepAlive;
    }
    if (path == "/delay") {
      asio::steady_timer timer(socket_.get_executor());
      const uint64_t ms = std::min<uint64_t>(toNumber(queryParam(query, "ms"), 0), 600000);
      timer.expires_after(std::chrono::milliseconds(ms));
      co_await timer.async_wait(kNoThrow);
    }
    if (path == "/headers") {
      std::string listing;
      for (const auto& field : request) {
        listing.append(field.name_string()).append(": ").append(field.value()).append("\n");
      }
      co_return co_await reply(http::status::ok, listing, keepAlive, version);
    }
    unsigned status = 200;
    if (path == "/status") {
      status = static_cast<unsigned>(toNumber(queryParam(query, "code"), 0));
      if (status < 200 || status > 599) {
        const std::string answer = "code must be 200-599\n";
        co_return co_await reply(http::status::bad_request, answer, keepAlive, version);
      }
    }
    const bool bodyless = status == 204 || status == 304;
    std::string answer;
    if (!bodyless) answer = identity_.service + " " + identity_.version + "\n";
    co_return co_await reply(static_cast<http::status>(status), answer, keepAlive, version);
  }

  template <typename Sink>
  asio::awaitable<bool> readBody(Parser& parser, Sink sink) {
    reserveForBody();
    while (!parser.is_done()) {
      parser.get().body().data = chunk_.get();
      parser.get().body().size = kChunk;
      auto [ec, bytes] = co_await http::async_read_some(socket_, buffer_, parser, kNoThrow);
      if (ec && ec != http::error::need_buffer) co_return false;
      sink(chunk_.get(), kChunk - parser.get().body().size);
    }
    co_return true;
  }

  void setIdentity(http::fields& fields) {
    fields.set("x-backend-service", identity_.service);
    fields.set("x-backend-version", identity_.version);
    fields.set("x-backend-connection", std::to_string(number_));
  }

  // (GCC 12 mishandles temporaries inside co_await expressions: callers pass named strings.)
  asio::awaitable<bool> reply(http::status status, const std::string& body, bool keepAlive,
                              unsigned version) {
    http::response<http::string_body> response{status, version};
    setIdentity(response);
    response.set(http::field::content_type, "text/plain");
    response.body() = body;
    response.keep_alive(keepAlive);
    response.prepare_payload();
    if (headRequest_) response.body().clear();  // Content-Length stays: what GET would send
    auto [ec, bytes] = co_await http::async_write(socket_, response, kNoThrow);
    co_return !ec && keepAlive;
  }

  // Streams a chunked response; `fill` puts up to kChunk bytes into the buffer and returns how
  // many (0 = end).
  template <typename Fill>
  asio::awaitable<bool> sendChunked(Fill fill) {
    http::response<http::buffer_body> response{http::status::ok, 11};
    setIdentity(response);
    response.set(http::field::content_type, "application/octet-stream");
    response.chunked(true);
    http::response_serializer<http::buffer_body> writer{response};
    auto [headerError, headerBytes] = co_await http::async_write_header(socket_, writer, kNoThrow);
    if (headerError) co_return false;
    bool more = true;
    while (more) {
      char* const out = outChunk();
      const std::optional<size_t> size = co_await fill(out);
      if (!size) co_return false;
      more = *size > 0;
      response.body().data = more ? outChunk() : nullptr;
      response.body().size = *size;
      response.body().more = more;
      auto [ec, bytes] = co_await http::async_write(socket_, writer, kNoThrow);
      if (ec && ec != http::error::need_buffer) co_return false;
    }
    co_return true;
  }

  asio::awaitable<bool> sendBytes(uint64_t count, std::chrono::milliseconds pause) {
    uint64_t offset = 0;
    asio::steady_timer timer(socket_.get_executor());
    const auto fill = [&](char* out) -> asio::awaitable<std::optional<size_t>> {
      if (pause.count() > 0 && offset > 0 && offset < count) {
        timer.expires_after(pause);
        co_await timer.async_wait(kNoThrow);
      }
      const size_t size = static_cast<size_t>(std::min<uint64_t>(kChunk, count - offset));
      for (size_t i = 0; i < size; ++i) out[i] = static_cast<char>((offset + i) % 251);
      offset += size;
      co_return size;
    };
    co_return co_await sendChunked(fill);
  }

  // Beast reads at most the buffer's free capacity, which stays as small as the header needed:
  // without room for a whole chunk, bodies would arrive in pieces of ~1 KiB.
  void reserveForBody() {
    if (buffer_.capacity() < kChunk) buffer_.reserve(kChunk);
  }

  asio::awaitable<bool> echo(Parser& parser) {
    reserveForBody();
    const auto fill = [&](char* out) -> asio::awaitable<std::optional<size_t>> {
      while (!parser.is_done()) {
        parser.get().body().data = out;
        parser.get().body().size = kChunk;
        auto [ec, bytes] = co_await http::async_read_some(socket_, buffer_, parser, kNoThrow);
        if (ec && ec != http::error::need_buffer) co_return std::nullopt;
        const size_t got = kChunk - parser.get().body().size;
        if (got > 0) co_return got;
      }
      co_return size_t{0};
    };
    co_return co_await sendChunked(fill);
  }

  char* outChunk() {
    if (!outChunk_) outChunk_.reset(new char[kChunk]);
    return outChunk_.get();
  }

  tcp::socket socket_;
  const Identity& identity_;
  const uint64_t number_;
  bool headRequest_ = false;
  beast::flat_buffer buffer_;
  std::unique_ptr<char[]> chunk_;
  std::unique_ptr<char[]> outChunk_;
};

asio::awaitable<void> acceptLoop(tcp::acceptor& acceptor, const Identity& identity) {
  for (uint64_t accepted = 1;; ++accepted) {
    auto [ec, socket] = co_await acceptor.async_accept(kNoThrow);
    if (!acceptor.is_open()) co_return;
    if (ec) continue;
    socket.set_option(tcp::no_delay(true), ec);
    auto connection = std::make_shared<Connection>(std::move(socket), identity, accepted);
    asio::co_spawn(acceptor.get_executor(), connection->run(),
                   [connection](const std::exception_ptr&) {});
  }
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"demo-backend: a demo HTTP application"};
  std::string listen = "127.0.0.1:8080";
  Identity identity{"demo", "v1"};
  std::string readyFile;
  app.add_option("--listen", listen, "HOST:PORT to listen on (port 0 = any)")
      ->capture_default_str();
  app.add_option("--service", identity.service, "service name to report")->capture_default_str();
  app.add_option("--version", identity.version, "version to report")->capture_default_str();
  app.add_option("--ready-file", readyFile, "written with port=N once listening");
  CLI11_PARSE(app, argc, argv);

  const size_t colon = listen.rfind(':');
  if (colon == std::string::npos) {
    std::cerr << "demo-backend: --listen must be HOST:PORT\n";
    return 2;
  }
  try {
    asio::io_context context{1};
    std::string host = listen.substr(0, colon);
    if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
    tcp::resolver resolver(context);
    const tcp::endpoint endpoint =
        resolver.resolve(host, listen.substr(colon + 1), tcp::resolver::passive)
            .begin()
            ->endpoint();
    tcp::acceptor acceptor(context, endpoint);
    const unsigned short port = acceptor.local_endpoint().port();
    if (!readyFile.empty()) {
      const std::string temporary = readyFile + ".tmp." + std::to_string(::getpid());
      std::ofstream(temporary) << "port=" << port << "\n";
      std::rename(temporary.c_str(), readyFile.c_str());
    }
    std::cerr << "demo-backend " << identity.service << " " << identity.version
              << " listening on port " << port << "\n";
    asio::signal_set signals(context, SIGINT, SIGTERM);
    signals.async_wait([&](const beast::error_code&, int) { context.stop(); });
    asio::co_spawn(context, acceptLoop(acceptor, identity), asio::detached);
    context.run();
  } catch (const std::exception& e) {
    std::cerr << "demo-backend: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
