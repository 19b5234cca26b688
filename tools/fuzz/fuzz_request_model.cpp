// The request model: how a request line and header fields become what a policy sees
// (RequestModel::build, with splitRequestTarget, splitAuthority and normalizePath under it), for
// every path option a module can have. Checks, for a request the model accepts:
// - the path is "*" or its own normal form (normalising twice changes nothing), with no '\',
//   no "." or ".." segment, and no "//" when slashes are merged;
// - the host and the header names are lower-case, and each header name appears once;
// - the target forwarded upstream is the path, then the query as received;
// - the next sidecar, receiving the request as forwarded, sees the same path, query, host and
//   port (inbound and outbound sidecars must agree on what a request is);
// - building again with the same model (its storage reused) gives the same result.
//
// Input: byte 0 picks the path options; then lines: the method, the target, and header fields
// as "name:value".

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "FuzzCheck.h"
#include "request/AsciiCase.h"
#include "request/PathNormalization.h"
#include "request/RequestModel.h"

namespace {

std::string_view view(mesh_str s) { return {s.data, s.len}; }

bool hasUpper(std::string_view s) {
  for (char c : s) {
    if (c >= 'A' && c <= 'Z') return true;
  }
  return false;
}

// What a policy sees, copied out of the model's storage.
struct Seen {
  std::string host;
  std::string path;
  std::string query;
  uint32_t port = 0;
  std::vector<std::string> headers;  // name '\0' value
  std::vector<std::string> params;

  bool operator==(const Seen&) const = default;
};

Seen copy(const mesh_request& request) {
  Seen seen;
  seen.host = view(request.host);
  seen.path = view(request.path);
  seen.query = view(request.query);
  seen.port = request.port;
  for (uint64_t i = 0; i < request.header_count; ++i) {
    seen.headers.push_back(std::string(view(request.headers[i].name)) + '\0' +
                           std::string(view(request.headers[i].value)));
  }
  for (uint64_t i = 0; i < request.query_param_count; ++i) {
    seen.params.push_back(std::string(view(request.query_params[i].name)) + '\0' +
                          std::string(view(request.query_params[i].value)));
  }
  return seen;
}

void checkPath(std::string_view path, const mesh::PathOptions& options) {
  if (path == "*") return;
  FUZZ_CHECK(path.starts_with('/'));
  std::string again;
  FUZZ_CHECK(mesh::normalizePath(path, options, again));
  FUZZ_CHECK(again == path);
  const std::string slashed = std::string(path) + "/";
  FUZZ_CHECK(path.find('\\') == std::string_view::npos);
  FUZZ_CHECK(slashed.find("/./") == std::string::npos);
  FUZZ_CHECK(slashed.find("/../") == std::string::npos);
  if (options.mergeSlashes) FUZZ_CHECK(path.find("//") == std::string_view::npos);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 1) return 0;
  mesh::PathOptions options;
  options.mergeSlashes = (data[0] & 1) != 0;
  switch ((data[0] >> 1) % 3) {
    case 0:
      options.encodedSlashes = mesh::EncodedSlashes::kKeep;
      break;
    case 1:
      options.encodedSlashes = mesh::EncodedSlashes::kDecode;
      break;
    default:
      options.encodedSlashes = mesh::EncodedSlashes::kReject;
      break;
  }
  std::vector<std::string_view> lines;
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  while (!rest.empty() || lines.size() < 2) {
    const size_t newline = rest.find('\n');
    lines.push_back(rest.substr(0, newline));
    rest = newline == std::string_view::npos ? std::string_view{} : rest.substr(newline + 1);
  }
  std::vector<mesh::HeaderField> headers;
  for (size_t i = 2; i < lines.size(); ++i) {
    const size_t colon = lines[i].find(':');
    headers.push_back(
        colon == std::string_view::npos
            ? mesh::HeaderField{lines[i], {}}
            : mesh::HeaderField{lines[i].substr(0, colon), lines[i].substr(colon + 1)});
  }
  const mesh::RequestInput input{lines[0], lines[1], headers, "10.0.0.1:5000", "", 42};

  mesh::RequestModel model(options);
  mesh_request request;
  const mesh::RequestProblem problem = model.build(input, request);
  if (problem != mesh::RequestProblem::kNone) {
    FUZZ_CHECK(!mesh::describe(problem).empty());
    return 0;
  }
  const Seen seen = copy(request);
  checkPath(seen.path, options);
  FUZZ_CHECK(!hasUpper(seen.host));
  for (size_t i = 0; i < request.header_count; ++i) {
    const std::string_view name = view(request.headers[i].name);
    FUZZ_CHECK(!hasUpper(name));
    for (size_t j = 0; j < i; ++j) FUZZ_CHECK(view(request.headers[j].name) != name);
  }
  FUZZ_CHECK(request.seed == 42);
  const std::string forwardedTarget(model.forwarded().target);
  const std::string forwardedAuthority(model.forwarded().authority);
  FUZZ_CHECK(forwardedTarget.starts_with(seen.path));
  const std::string_view afterPath = std::string_view(forwardedTarget).substr(seen.path.size());
  FUZZ_CHECK(afterPath.empty() || afterPath == "?" + seen.query);

  // The same model again: storage reused, same view.
  mesh_request again;
  FUZZ_CHECK(model.build(input, again) == mesh::RequestProblem::kNone);
  FUZZ_CHECK(copy(again) == seen);

  // The next hop: the forwarded target, and Host set to an absolute-form's authority.
  std::vector<mesh::HeaderField> forwardedHeaders;
  for (const mesh::HeaderField& field : headers) {
    if (!mesh::equalsNoCase(field.name, "host") || forwardedAuthority.empty()) {
      forwardedHeaders.push_back(field);
    }
  }
  if (!forwardedAuthority.empty()) forwardedHeaders.push_back({"host", forwardedAuthority});
  const mesh::RequestInput next{
      input.method, forwardedTarget, forwardedHeaders, "10.0.0.2:5000", "", 42};
  mesh::RequestModel nextModel(options);
  mesh_request nextRequest;
  FUZZ_CHECK(nextModel.build(next, nextRequest) == mesh::RequestProblem::kNone);
  const Seen nextSeen = copy(nextRequest);
  FUZZ_CHECK(nextSeen.path == seen.path);
  FUZZ_CHECK(nextSeen.query == seen.query);
  FUZZ_CHECK(nextSeen.host == seen.host);
  FUZZ_CHECK(nextSeen.port == seen.port);
  FUZZ_CHECK(nextModel.forwarded().target == forwardedTarget);
  return 0;
}
