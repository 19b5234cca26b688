#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/HostPort.h"

namespace mesh {

// One line of a static discovery file: `reviews.v2 127.0.0.1:9081 127.0.0.1:9082`. A line with a
// cluster and no addresses is allowed: it empties the cluster (requests to it get 503).
struct EndpointsFileEntry {
  std::string cluster;
  std::vector<HostPort> endpoints;
  int line = 0;
};

// The message is complete and user-facing: "FILE:LINE: what is wrong".
class EndpointsFileError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Parses the text of an endpoints file. `#` starts a comment; blank lines are ignored. One file
// can serve every sidecar of a mesh: the lines of clusters not in `knownClusters` (which this
// workload does not use) are checked like the others, then left out, their names added to
// `ignored` when given. Throws EndpointsFileError for a malformed address or a repeated cluster.
std::vector<EndpointsFileEntry> parseEndpointsFile(std::string_view text, std::string_view fileName,
                                                   const std::vector<std::string>& knownClusters,
                                                   std::vector<std::string>* ignored = nullptr);

// The content of the file at `path`; an unreadable file (or a directory) is an
// EndpointsFileError.
std::string readEndpointsFile(const std::string& path);

}  // namespace mesh
