#include "policy/ActionConfigs.h"

#include <fmt/format.h>

#include <array>

#include "request/RequestTarget.h"

namespace mesh {
namespace {

// RFC 9110 §5.6.2 tchar, lower-case letters only (abi.h: names are lower-case).
bool isLowerTokenChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool isLowerToken(std::string_view name) {
  if (name.empty()) return false;
  for (char c : name) {
    if (!isLowerTokenChar(c)) return false;
  }
  return true;
}

// RFC 9110 §5.5: a field value holds no control character but HTAB. CR or LF would end the
// field and let the value inject fields of its own.
bool isFieldValue(std::string_view value) {
  for (char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u == 0x7f) return false;
  }
  return true;
}

// A path as it may go into a request line or a Location unchanged: '/', then visible ASCII
// without '?' (it would start a query) and '#' (a fragment).
bool isPlainPath(std::string_view path) {
  if (!path.starts_with('/')) return false;
  for (char c : path) {
    const auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u >= 0x7f || c == '?' || c == '#') return false;
  }
  return true;
}

// The op is a number from another program: an unknown value is a data error, not a bug.
bool decodeOp(uint32_t op, HeaderEdit::Op& out) {
  switch (op) {
    case MESH_HEADER_SET:
      out = HeaderEdit::Op::kSet;
      return true;
    case MESH_HEADER_ADD:
      out = HeaderEdit::Op::kAdd;
      return true;
    case MESH_HEADER_REMOVE:
      out = HeaderEdit::Op::kRemove;
      return true;
  }
  return false;
}

std::string_view opName(HeaderEdit::Op op) {
  switch (op) {
    case HeaderEdit::Op::kSet:
      return "SET";
    case HeaderEdit::Op::kAdd:
      return "ADD";
    case HeaderEdit::Op::kRemove:
      return "REMOVE";
  }
  return "?";
}

}  // namespace

bool isSidecarOwnedHeader(std::string_view name) {
  static constexpr std::array<std::string_view, 10> kOwned = {
      "host", "content-length", "transfer-encoding", "connection", "keep-alive", "proxy-connection",
      "te",   "trailer",        "upgrade",           "expect"};
  for (std::string_view owned : kOwned) {
    if (name == owned) return true;
  }
  return false;
}

std::string decodeHeaderEdits(const mesh_header_edits& config, std::vector<HeaderEdit>& out) {
  if (config.count > 0 && !config.edits) return "a null edit list";
  for (uint32_t i = 0; i < config.count; ++i) {
    const mesh_header_edit& edit = config.edits[i];
    HeaderEdit decoded;
    if (!decodeOp(edit.op, decoded.op)) {
      return fmt::format("edit {} has op {}, not a MESH_HEADER_* value", i, edit.op);
    }
    if (!edit.name || !edit.value) {
      return fmt::format("edit {} ({}) has a null name or value", i, opName(decoded.op));
    }
    decoded.name = edit.name;
    decoded.value = edit.value;
    if (!isLowerToken(decoded.name)) {
      return fmt::format("edit {} ({}) names \"{}\", not a lower-case header name", i,
                         opName(decoded.op), decoded.name);
    }
    if (!isFieldValue(decoded.value)) {
      return fmt::format("edit {} ({} \"{}\") has a control character in its value", i,
                         opName(decoded.op), decoded.name);
    }
    out.push_back(decoded);
  }
  return {};
}

std::string decodeDirectResponse(const mesh_direct_response& config, DirectResponse& out) {
  if (config.status < 200 || config.status > 599) {
    return fmt::format("status {} is not within 200-599", config.status);
  }
  if (!config.body) return "a null body";
  out.status = config.status;
  out.body = config.body;
  if ((out.status == 204 || out.status == 304) && !out.body.empty()) {
    return fmt::format("a body with status {}, which HTTP gives none", out.status);
  }
  return {};
}

std::string decodeRedirect(const mesh_redirect& config, Redirect& out) {
  const uint32_t status = config.status;
  if (status != 301 && status != 302 && status != 303 && status != 307 && status != 308) {
    return fmt::format("status {} is not 301, 302, 303, 307 or 308", status);
  }
  if (!config.scheme || !config.host) return "a null scheme or host";
  out.status = config.status;
  out.scheme = config.scheme;
  out.host = config.host;
  out.port = config.port;
  if (!out.scheme.empty() && out.scheme != "http" && out.scheme != "https") {
    return fmt::format("scheme \"{}\" is not \"\", \"http\" or \"https\"", out.scheme);
  }
  if (!out.host.empty()) {
    AuthorityParts parts;
    // A port has a field of its own: "host:port" here would give Location two.
    const bool hasPort = out.host.starts_with('[') ? !out.host.ends_with(']')
                                                   : out.host.find(':') != std::string_view::npos;
    if (splitAuthority(out.host, parts) != RequestProblem::kNone || parts.host.empty() || hasPort) {
      return fmt::format("host \"{}\" is not a host name or address without port", out.host);
    }
  }
  if (out.port > 65535) return fmt::format("port {} is not within 1-65535", out.port);
  if (const std::string problem = decodePathRewrite(config.path, out.path); !problem.empty()) {
    return "path: " + problem;
  }
  return {};
}

std::string decodeRewrite(const mesh_rewrite& config, Rewrite& out) {
  if (!config.host) return "a null host";
  out.host = config.host;
  if (!out.host.empty()) {
    AuthorityParts parts;
    if (splitAuthority(out.host, parts) != RequestProblem::kNone || parts.host.empty() ||
        out.host.ends_with(':')) {
      return fmt::format("host \"{}\" is not a host name or address, with or without port",
                         out.host);
    }
  }
  if (const std::string problem = decodePathRewrite(config.path, out.path); !problem.empty()) {
    return "path: " + problem;
  }
  return {};
}

std::string decodeMirrors(const mesh_mirrors& config, std::vector<Mirror>& out) {
  if (config.count == 0 || !config.mirrors) return "an empty or null mirror list";
  for (uint32_t i = 0; i < config.count; ++i) {
    const mesh_mirror& mirror = config.mirrors[i];
    if (mirror.weight == 0 || mirror.weight > 10000) {
      return fmt::format("mirror {} has weight {}, not within 1-10000", i, mirror.weight);
    }
    for (const Mirror& earlier : out) {
      if (earlier.cluster == mirror.cluster) {
        return fmt::format("mirror {} names cluster {} a second time", i, mirror.cluster);
      }
    }
    out.push_back({mirror.cluster, mirror.weight});
  }
  return {};
}

std::string decodePathRewrite(const mesh_path_rewrite& config, PathRewrite& out) {
  out = PathRewrite{};
  switch (config.kind) {
    case MESH_PATH_KEEP:
      return {};
    case MESH_PATH_FULL:
      if (!config.value) return "FULL with a null value";
      out.kind = PathRewrite::Kind::kFull;
      out.value = config.value;
      if (!isPlainPath(out.value)) {
        return fmt::format(
            "FULL value \"{}\" is not a path ('/', then visible ASCII but '?' "
            "and '#')",
            out.value);
      }
      return {};
    case MESH_PATH_PREFIX:
      if (!config.value || !config.prefix) return "PREFIX with a null value or prefix";
      out.kind = PathRewrite::Kind::kPrefix;
      out.value = config.value;
      out.prefix = config.prefix;
      // "" is the root, "/" without its trailing '/' (abi.h), as meshc writes `path prefix "/"`.
      if (!out.prefix.empty() &&
          (!isPlainPath(out.prefix) || (out.prefix != "/" && out.prefix.ends_with('/')))) {
        return fmt::format("PREFIX prefix \"{}\" is not a path without a trailing '/'", out.prefix);
      }
      if (!out.value.empty() && !isPlainPath(out.value)) {
        return fmt::format(
            "PREFIX value \"{}\" is neither empty nor a path ('/', then visible "
            "ASCII but '?' and '#')",
            out.value);
      }
      return {};
  }
  return fmt::format("kind {} is not a MESH_PATH_* value", config.kind);
}

}  // namespace mesh
