#include "request/RequestProblem.h"

namespace mesh {

std::string_view describe(RequestProblem problem) {
  switch (problem) {
    case RequestProblem::kNone:
      return "no problem";
    case RequestProblem::kMalformedAuthority:
      return "malformed host in Host header or request target";
    case RequestProblem::kDuplicateHost:
      return "more than one Host header";
    case RequestProblem::kUserInfo:
      return "user info (\"user@\") in Host header or request target";
    case RequestProblem::kFragment:
      return "fragment (\"#...\") in request target";
    case RequestProblem::kTargetForm:
      return "request target is neither a path (\"/...\"), an absolute URL (\"http://host/...\") "
             "nor \"*\" with OPTIONS";
    case RequestProblem::kEncodedSlash:
      return "encoded slash (%2F or %5C) in the path, which this mesh rejects";
  }
  return "unknown problem";
}

}  // namespace mesh
