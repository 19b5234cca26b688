#include "policy/PathRewrite.h"

namespace mesh {
namespace {

// What follows the segment prefix in `path`: "" or "/...". False when the prefix does not cover
// the path segment-wise.
bool remainderAfter(std::string_view path, std::string_view prefix, std::string_view& remainder) {
  if (prefix.empty() || prefix == "/") {
    remainder = path == "/" ? std::string_view{} : path;
    return true;
  }
  if (!path.starts_with(prefix)) return false;
  remainder = path.substr(prefix.size());
  return remainder.empty() || remainder.front() == '/';
}

}  // namespace

std::string rewritePath(std::string_view path, const PathRewrite& rewrite) {
  if (!path.starts_with('/')) return std::string(path);
  switch (rewrite.kind) {
    case PathRewrite::Kind::kKeep:
      return std::string(path);
    case PathRewrite::Kind::kFull:
      return std::string(rewrite.value);
    case PathRewrite::Kind::kPrefix:
      break;
  }
  std::string_view remainder;
  if (!remainderAfter(path, rewrite.prefix, remainder)) return std::string(path);
  std::string_view value = rewrite.value;
  // "/bar/" + "/x" must not make "/bar//x", and "/" + "" must make "/", not "".
  if (value.ends_with('/')) value.remove_suffix(1);
  std::string out;
  out.reserve(value.size() + remainder.size() + 1);
  out.append(value).append(remainder);
  if (out.empty()) out = "/";
  return out;
}

}  // namespace mesh
