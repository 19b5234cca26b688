#pragma once

// The Via field a proxy adds to every message it forwards (RFC 9110 §7.6.3), with no Boost here:
// the sidecar adds it to the requests and responses it forwards, `meshc test` to its model of a
// forwarded request, with this one implementation.

#include <string>
#include <string_view>

#include "request/AsciiCase.h"

namespace mesh {

// How the sidecar names itself in Via: a pseudonym, the same on every sidecar and release, so that
// neither its address nor its version leaks.
inline constexpr std::string_view kViaPseudonym = "meshc";

// Appends this hop, "<version the message came in> meshc", to the message's Via list: repeated
// fields become one, this hop last. `receivedVersion` as Beast has it (10, 11). `Fields` has
// forEach(visit(name, value)) over every field in order and set(name, value), names
// case-insensitive.
template <typename Fields>
void appendVia(Fields& fields, unsigned receivedVersion) {
  std::string via;
  fields.forEach([&](std::string_view name, std::string_view value) {
    if (!equalsNoCase(name, "via") || value.empty()) return;
    via.append(value);
    via.append(", ");
  });
  via.append(receivedVersion == 10 ? "1.0 " : "1.1 ");
  via.append(kViaPseudonym);
  fields.set("via", via);
}

}  // namespace mesh
