#pragma once

#include <boost/beast/http/fields.hpp>

namespace mesh {

// Removes the headers that describe one connection rather than the message (RFC 9110 7.6.1):
// Connection, Keep-Alive, Proxy-Connection, TE, Trailer, Upgrade and every header the Connection
// header names. Framing headers (Content-Length, Transfer-Encoding) and Host survive even when
// Connection names them: the proxy re-frames the body from them, and dropping them would let a
// client desynchronise the upstream connection. Read keep_alive() before calling this.
void removeHopByHopHeaders(boost::beast::http::fields& fields);

}  // namespace mesh
