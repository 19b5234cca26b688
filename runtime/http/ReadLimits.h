#pragma once

#include <cstddef>
#include <cstdint>

namespace mesh {

// A header section larger than this is refused: 431 from a client, 502 from an upstream.
inline constexpr uint32_t kMaxHeaderBytes = 64 * 1024;

// The most interim (1xx) responses an upstream may send before its final one; beyond, 502. Each
// is dropped, and each restarts the wait for the response: without a bound, an upstream could
// hold an exchange open for ever. 103 Early Hints may come more than once, 16 is plenty.
inline constexpr unsigned kMaxInterimResponses = 16;

// Bodies move through fixed buffers in pieces of this size.
inline constexpr size_t kBodyPieceBytes = 16 * 1024;

// The most a connection's read buffer may hold. Beast keeps there whatever it cannot parse yet,
// and some parts of a message have no limit of their own (chunk extensions, trailers): without
// this a peer that never sends the CRLF grows the buffer without end. Past it Beast's read fails
// with http::error::buffer_overflow, which the proxy treats as malformed input.
inline constexpr size_t kMaxReadBufferBytes = kMaxHeaderBytes + kBodyPieceBytes;

}  // namespace mesh
