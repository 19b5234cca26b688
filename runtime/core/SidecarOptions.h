#pragma once

#include <optional>
#include <string>

#include "core/HostPort.h"
#include "mesh/abi.h"

namespace mesh {

struct SidecarOptions {
  HostPort outbound{"127.0.0.1", 15001};
  HostPort inbound{"127.0.0.1", 15006};
  HostPort admin{"127.0.0.1", 15000};
  std::optional<HostPort> app;  // after defaulting: absent means no inbound listener
  unsigned workers = 1;
  std::string endpointsFile;
  std::string certsDir;  // empty: no credentials, so no mutual TLS
  std::string readyFile;
  double drainTimeoutSeconds = 15;
  double streamIdleTimeoutSeconds = 300;  // Envoy's stream_idle_timeout default
  unsigned maxRequestHeaders = 100;       // header fields; Envoy's max_headers_count default
  std::string logLevel = "info";
};

// The outcome of reading the command line: options to run with, or an exit code (after --help,
// --version or a usage error, whose message has already been printed).
struct ParsedCommandLine {
  std::optional<SidecarOptions> options;
  int exitCode = 0;
};

// `module` supplies the default --app address and the --version text.
ParsedCommandLine parseCommandLine(int argc, char** argv, const mesh_module& module);

}  // namespace mesh
