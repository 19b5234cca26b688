#pragma once

// The byte stream under an HTTP/1.1 connection, downstream or upstream. Internal to the runtime:
// included by .cpp files and internal headers only (it brings in Asio).
//
// Why a std::variant of concrete streams, not a virtual interface or a templated session: every
// read and write goes through async_initiate, which hands the caller's completion handler straight
// to the one alternative that is live. There is no heap allocation, no type-erased handler and no
// virtual call per operation; with a single alternative std::visit compiles to a direct call, and
// with TLS added it is one jump on a small index. Templating the whole session on the stream type
// would do as well at run time but compile the data path once per stream kind, on two cores.
// A connection starts as plain TCP and may become TLS over the same socket (startTls), after the
// sidecar has looked at the first byte or connected; everything above keeps using Stream.

#include <openssl/ssl.h>

#include <boost/asio/async_result.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/ssl/stream.hpp>
#include <utility>
#include <variant>

namespace mesh {

class Stream {
 public:
  using executor_type = boost::asio::any_io_executor;
  using Socket = boost::asio::ip::tcp::socket;
  using TlsStream = boost::asio::ssl::stream<Socket>;

  explicit Stream(Socket socket) : impl_(std::move(socket)) {}
  explicit Stream(const executor_type& executor) : impl_(Socket(executor)) {}

  executor_type get_executor() { return socket().get_executor(); }

  // The TCP socket under the stream: for connecting, socket options and the peer address.
  Socket& socket() {
    return std::visit([](auto& s) -> Socket& { return lowest(s); }, impl_);
  }
  const Socket& socket() const {
    return std::visit([](const auto& s) -> const Socket& { return lowest(s); }, impl_);
  }

  template <class MutableBuffers, class Token>
  auto async_read_some(const MutableBuffers& buffers, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code, size_t)>(
        [this](auto handler, const MutableBuffers& b) {
          std::visit([&](auto& s) { s.async_read_some(b, std::move(handler)); }, impl_);
        },
        token, buffers);
  }

  template <class ConstBuffers, class Token>
  auto async_write_some(const ConstBuffers& buffers, Token&& token) {
    return boost::asio::async_initiate<Token, void(boost::system::error_code, size_t)>(
        [this](auto handler, const ConstBuffers& b) {
          std::visit([&](auto& s) { s.async_write_some(b, std::move(handler)); }, impl_);
        },
        token, buffers);
  }

  // Continues the connection as TLS with `context`; call before any byte of it is read (the
  // first may have been peeked at). The context must outlive the stream.
  void startTls(boost::asio::ssl::context& context) {
    Socket plain = std::move(std::get<Socket>(impl_));
    impl_.emplace<TlsStream>(std::move(plain), context);
  }

  template <class Token>
  auto async_handshake(boost::asio::ssl::stream_base::handshake_type side, Token&& token) {
    return std::get<TlsStream>(impl_).async_handshake(side, std::forward<Token>(token));
  }

  // The TLS session, or null on a plain connection.
  SSL* tls() {
    TlsStream* tls = std::get_if<TlsStream>(&impl_);
    return tls ? tls->native_handle() : nullptr;
  }

  bool isOpen() const { return socket().is_open(); }

  // Cancels pending reads and writes; the connection stays open.
  void cancel() {
    boost::system::error_code ignored;
    socket().cancel(ignored);
  }

  // Sends FIN after what was written: the peer reads the end of the stream, and may still send.
  void shutdownSend() {
    boost::system::error_code ignored;
    socket().shutdown(Socket::shutdown_send, ignored);
  }

  // Closes the connection; pending operations complete with operation_aborted.
  void close() {
    boost::system::error_code ignored;
    socket().close(ignored);
  }

  // Ends the connection in both directions first, so a peer blocked in a read sees it at once.
  void shutdownAndClose() {
    boost::system::error_code ignored;
    socket().shutdown(Socket::shutdown_both, ignored);
    socket().close(ignored);
  }

 private:
  static Socket& lowest(Socket& s) { return s; }
  static const Socket& lowest(const Socket& s) { return s; }
  static Socket& lowest(TlsStream& s) { return s.next_layer(); }
  static const Socket& lowest(const TlsStream& s) { return s.next_layer(); }

  std::variant<Socket, TlsStream> impl_;
};

}  // namespace mesh
