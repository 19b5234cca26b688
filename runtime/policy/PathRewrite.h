#pragma once

#include <string>
#include <string_view>

namespace mesh {

// A new path for a redirect or a rewrite (abi.h mesh_path_rewrite), decoded. The views point into
// the policy module's constant data, which lives as long as the process.
struct PathRewrite {
  enum class Kind { kKeep, kFull, kPrefix };
  Kind kind = Kind::kKeep;
  std::string_view value;   // kFull: the path; kPrefix: what replaces the prefix ("" allowed)
  std::string_view prefix;  // kPrefix: the segment prefix the rule matched, "/a" (no '/' at the
                            // end), or "" or "/" for the root
};

// The path `path` (without the query) becomes under `rewrite`. Gateway API's ReplacePrefixMatch
// semantics for kPrefix: the matched prefix is cut off, and what follows it ("" or "/...") is
// appended to the value less one trailing '/'; an empty result is "/". With prefix "/foo":
//   value "/bar": "/foo/x" -> "/bar/x", "/foo" -> "/bar", "/foo/" -> "/bar/"
//   value "/bar/": "/foo/x" -> "/bar/x"
//   value "/" or "": "/foo/x" -> "/x", "/foo" -> "/", "/foo/" -> "/"
// The root prefix ("" or "/") covers every path: "/x" -> value less its '/' + "/x", and "/" ->
// value (or "/"), as a path equal to any other prefix.
// A path the prefix does not cover segment-wise ("/foobar" under "/foo") is returned unchanged, as
// is a path that is not one ("*" of OPTIONS): route() cannot have chosen the rule for either, and
// cutting mid-segment could make something that is not a path.
std::string rewritePath(std::string_view path, const PathRewrite& rewrite);

}  // namespace mesh
