#pragma once

// Which header fields describe one connection rather than the message (RFC 9110 §7.6.1), with no
// Boost here: the sidecar removes them from the Beast messages it forwards (http/HopByHop), and
// `meshc test` from its model of a forwarded request, with this one implementation.

#include <string>
#include <string_view>
#include <vector>

namespace mesh {

// Removes Connection, Keep-Alive, Proxy-Connection, TE, Trailer, Upgrade and every field a
// Connection field names. Framing fields (Content-Length, Transfer-Encoding) and Host survive even
// when Connection names them: the proxy re-frames the body from them, and dropping them would let
// a client desynchronise the upstream connection. `Fields` has forEach(visit(name, value)) over
// every field in order and erase(name), names case-insensitive.
template <typename Fields>
void removeHopByHopFields(Fields& fields) {
  const auto lower = [](std::string_view text) {
    std::string out(text);
    for (char& c : out) c = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    return out;
  };
  const auto trimmed = [](std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
  };
  // Collect first: erasing while visiting the Connection values would invalidate them. Every
  // field is visited: a repeated Connection field need not be adjacent to the first.
  std::vector<std::string> named;
  fields.forEach([&](std::string_view name, std::string_view value) {
    if (lower(name) != "connection") return;
    while (!value.empty()) {
      const size_t comma = value.find(',');
      const std::string token = lower(trimmed(value.substr(0, comma)));
      if (!token.empty() && token != "content-length" && token != "transfer-encoding" &&
          token != "host") {
        named.push_back(token);
      }
      value = comma == std::string_view::npos ? std::string_view{} : value.substr(comma + 1);
    }
  });
  for (const std::string& name : named) fields.erase(name);
  for (std::string_view name :
       {"connection", "keep-alive", "proxy-connection", "te", "trailer", "upgrade"}) {
    fields.erase(name);
  }
}

}  // namespace mesh
