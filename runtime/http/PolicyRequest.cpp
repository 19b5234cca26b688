#include "http/PolicyRequest.h"

#include "http/RequestTarget.h"

namespace mesh {
namespace http = boost::beast::http;

namespace {

// Empty strings get a real pointer: compiled code may pass data to memcmp, where null is undefined
// behaviour even with length 0.
mesh_str toMeshStr(std::string_view s) {
  return s.empty() ? mesh_str{"", 0} : mesh_str{s.data(), s.size()};
}

char toLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

bool PolicyRequestBuilder::build(const RequestHead& head, std::string_view sourceAddress,
                                 uint64_t seed, mesh_request& out) {
  const TargetParts target = splitRequestTarget(head.target);
  // RFC 9112 3.2.2: an absolute-form target overrides the Host header.
  const std::string_view authority =
      target.absoluteForm ? target.authority : std::string_view((*head.fields)[http::field::host]);
  const std::optional<AuthorityParts> hostPort = splitAuthority(authority);
  if (!hostPort) return false;

  // Reserve everything first: the views handed out must not move when the buffer grows.
  size_t needed = hostPort->host.size();
  size_t headerCount = 0;
  for (const auto& field : *head.fields) {
    needed += field.name_string().size();
    ++headerCount;
  }
  arena_.clear();
  arena_.reserve(needed);
  headers_.clear();
  headers_.reserve(headerCount);

  auto appendLower = [this](std::string_view s) {
    const size_t start = arena_.size();
    for (char c : s) arena_.push_back(toLower(c));
    return toMeshStr(std::string_view(arena_.data() + start, s.size()));
  };
  const mesh_str host = appendLower(hostPort->host);
  for (const auto& field : *head.fields) {
    headers_.push_back(mesh_header{appendLower(field.name_string()), toMeshStr(field.value())});
  }

  out = mesh_request{};
  out.method = toMeshStr(head.method);
  out.scheme = toMeshStr("http");
  out.host = host;
  out.path = toMeshStr(target.path);
  out.query = toMeshStr(target.query);
  out.source_principal = toMeshStr({});
  out.source_address = toMeshStr(sourceAddress);
  out.headers = headers_.data();
  out.header_count = headers_.size();
  out.seed = seed;
  out.port = hostPort->port;
  return true;
}

}  // namespace mesh
