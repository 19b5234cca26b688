#pragma once

// Path normalisation: the one spelling of a path that the policy matches and the upstream
// receives, so no spelling of a path ("/a/../admin", "/%61dmin", "\admin") reaches an upstream
// past a rule written for another. Istio's default ("BASE", i.e. Envoy's normalize_path) plus the
// mesh's choices for runs of slashes and encoded slashes.

#include <string>
#include <string_view>

#include "mesh/abi.h"

namespace mesh {

// What to do with %2F and %5C (any hex case): the mesh_module's encoded_slashes.
enum class EncodedSlashes {
  kKeep,    // left encoded, with upper-case hex: "/a%2fb" is the one segment "a%2Fb"
  kDecode,  // decoded before anything else, so they split segments and take part in ".."
  kReject,  // the request is refused (400)
};

struct PathOptions {
  bool mergeSlashes = false;  // runs of '/' become one '/'
  EncodedSlashes encodedSlashes = EncodedSlashes::kKeep;
};

// The options a module was compiled with; the module must have passed checkModule().
PathOptions pathOptionsOf(const mesh_module& module);

// Writes the normal form of `path` (an origin-form path: it starts with '/' and holds no query)
// into `out`, replacing its content; `out` keeps its capacity, so a caller that reuses it stops
// allocating. The steps, in this order (Envoy's: escaped slashes, then RFC 3986 normalisation,
// then merging):
// 1. with kDecode, %2F and %5C become '/' and '\';
// 2. escapes of unreserved characters (ALPHA DIGIT - . _ ~) are decoded, "%7e" -> "~"; every
//    other valid escape keeps its encoding with upper-case hex, "%3a" -> "%3A"; an invalid one
//    ("%zz", a '%' at the end) is kept as received, unless decoding would make it an escape:
//    "%%41" -> "%25A", not "%A". Nothing is decoded twice: "%252e" stays "%252e" ("%25" is '%',
//    which stays encoded), never ".";
// 3. '\' becomes '/', as Istio's BASE normalisation does (Envoy's normalize_path does it too);
// 4. "." and ".." segments are resolved (RFC 3986 §5.2.4), never above the root: "/../a" -> "/a";
//    "%2e" counts as '.' (step 2 decoded it);
// 5. with mergeSlashes, runs of '/' become one '/'.
// Returns false, with `out` unspecified, only when the path holds an encoded slash and the options
// reject them.
[[nodiscard]] bool normalizePath(std::string_view path, const PathOptions& options,
                                 std::string& out);

}  // namespace mesh
