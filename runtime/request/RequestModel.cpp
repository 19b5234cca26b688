#include "request/RequestModel.h"

#include <optional>

#include "request/AsciiCase.h"
#include "request/PercentEncoding.h"
#include "request/RequestTarget.h"

namespace mesh {
namespace {

// Empty strings get a real pointer: compiled code may pass data to memcmp, where null is undefined
// behaviour even with length 0.
mesh_str toMeshStr(std::string_view s) {
  return s.empty() ? mesh_str{"", 0} : mesh_str{s.data(), s.size()};
}

// The Host header's value; nullopt when it is sent twice (RFC 9112 §3.2: a server answers 400).
std::optional<std::string_view> hostHeader(std::span<const HeaderField> headers) {
  std::optional<std::string_view> host;
  for (const HeaderField& field : headers) {
    if (!equalsNoCase(field.name, "host")) continue;
    if (host) return std::nullopt;
    host = withoutOws(field.value);
  }
  return host.value_or(std::string_view{});
}

}  // namespace

std::string_view withoutOws(std::string_view value) {
  while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  return value;
}

RequestProblem RequestModel::build(const RequestInput& input, mesh_request& out) {
  TargetParts target;
  if (const RequestProblem problem = splitRequestTarget(input.method, input.target, target);
      problem != RequestProblem::kNone) {
    return problem;
  }
  const std::optional<std::string_view> hostField = hostHeader(input.headers);
  if (!hostField) return RequestProblem::kDuplicateHost;
  const std::string_view authority = target.absoluteForm ? target.authority : *hostField;
  AuthorityParts hostPort;
  if (const RequestProblem problem = splitAuthority(authority, hostPort);
      problem != RequestProblem::kNone) {
    return problem;
  }
  if (target.path == "*") {
    target_.assign(target.path);
  } else if (!normalizePath(target.path, options_, target_)) {
    return RequestProblem::kEncodedSlash;
  }
  const size_t pathLength = target_.size();
  if (target.hasQuery) target_.append("?").append(target.query);
  const std::string_view path(target_.data(), pathLength);

  // Reserve everything first: the views handed out must not move when the buffer grows. Names are
  // copied lower-case; values are copied only when a header repeats and is joined; query
  // parameters only when they hold escapes, and decoding never makes them longer.
  size_t needed = hostPort.host.size() + target.query.size();
  for (const HeaderField& field : input.headers)
    needed += field.name.size() + field.value.size() + 1;
  arena_.clear();
  arena_.reserve(needed);
  headers_.clear();
  headers_.reserve(input.headers.size());

  auto appendLower = [this](std::string_view s) {
    const size_t start = arena_.size();
    for (char c : s) arena_.push_back(lowerAscii(c));
    return std::string_view(arena_.data() + start, s.size());
  };
  const std::string_view host = appendLower(hostPort.host);
  for (const HeaderField& field : input.headers) {
    headers_.push_back(
        mesh_header{toMeshStr(appendLower(field.name)), toMeshStr(withoutOws(field.value))});
  }

  // Join repeats into their first occurrence. Quadratic in the number of fields, which the HTTP
  // parser bounds; a typical request has a dozen fields and no repeats, and then this only
  // compares lengths.
  size_t kept = 0;
  for (size_t i = 0; i < headers_.size(); ++i) {
    const std::string_view name(headers_[i].name.data, headers_[i].name.len);
    bool repeat = false;
    for (size_t k = 0; k < kept && !repeat; ++k) {
      repeat = std::string_view(headers_[k].name.data, headers_[k].name.len) == name;
    }
    if (repeat) continue;
    mesh_header header = headers_[i];
    bool joined = false;
    for (size_t j = i + 1; j < headers_.size(); ++j) {
      if (std::string_view(headers_[j].name.data, headers_[j].name.len) != name) continue;
      if (!joined) {
        const size_t start = arena_.size();
        arena_.append(header.value.data, header.value.len);
        header.value = mesh_str{arena_.data() + start, header.value.len};
        joined = true;
      }
      arena_.push_back(',');
      arena_.append(headers_[j].value.data, headers_[j].value.len);
      header.value.len += 1 + headers_[j].value.len;
    }
    headers_[kept++] = header;
  }
  headers_.resize(kept);
  splitQuery(target.query);

  out = mesh_request{};
  out.method = toMeshStr(input.method);
  out.scheme = toMeshStr("http");
  out.host = toMeshStr(host);
  out.path = toMeshStr(path);
  out.query = toMeshStr(target.query);
  out.source_principal = toMeshStr(input.sourcePrincipal);
  out.source_address = toMeshStr(input.sourceAddress);
  out.headers = headers_.data();
  out.header_count = headers_.size();
  out.query_params = queryParams_.data();
  out.query_param_count = queryParams_.size();
  out.seed = input.seed;
  out.port = hostPort.port;
  forwarded_ = ForwardedTarget{target_, target.absoluteForm ? target.authority : ""};
  return RequestProblem::kNone;
}

// Text without escapes is handed out as it is, a view into the input.
std::string_view RequestModel::decodeIntoArena(std::string_view text) {
  if (text.find('%') == std::string_view::npos) return text;
  const size_t start = arena_.size();
  appendPercentDecoded(text, arena_);
  return std::string_view(arena_.data() + start, arena_.size() - start);
}

void RequestModel::splitQuery(std::string_view query) {
  queryParams_.clear();
  while (!query.empty()) {
    const size_t amp = query.find('&');
    const std::string_view pair = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
    if (pair.empty()) continue;
    const size_t equals = pair.find('=');
    const std::string_view value =
        equals == std::string_view::npos ? std::string_view{} : pair.substr(equals + 1);
    queryParams_.push_back(mesh_header{toMeshStr(decodeIntoArena(pair.substr(0, equals))),
                                       toMeshStr(decodeIntoArena(value))});
  }
}

}  // namespace mesh
