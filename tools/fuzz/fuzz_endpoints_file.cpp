// The endpoints file a sidecar reads at start and on every change (--endpoints-file):
// parseEndpointsFile (upstream/EndpointsFile). Checks that a refused file's message names the
// file and a line of it; that an accepted file lists only known clusters, each once, and only
// addresses that connect somewhere (port not 0); and that writing the entries back out, one
// line each, reads back to the same entries.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "FuzzCheck.h"
#include "core/HostPort.h"
#include "upstream/EndpointsFile.h"

namespace {

constexpr std::string_view kFile = "fuzz.endpoints";
const std::vector<std::string> kClusters = {"reviews.v1", "reviews.v2", "ratings", "a"};

size_t lineCount(std::string_view text) {
  return static_cast<size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
}

bool sameEntries(const std::vector<mesh::EndpointsFileEntry>& a,
                 const std::vector<mesh::EndpointsFileEntry>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].cluster != b[i].cluster || a[i].endpoints != b[i].endpoints) return false;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  std::vector<mesh::EndpointsFileEntry> entries;
  try {
    entries = mesh::parseEndpointsFile(text, kFile, kClusters);
  } catch (const mesh::EndpointsFileError& error) {
    const std::string_view message = error.what();
    FUZZ_CHECK(message.starts_with(std::string(kFile) + ":"));
    const std::string_view rest = message.substr(kFile.size() + 1);
    const size_t colon = rest.find(':');
    FUZZ_CHECK(colon != std::string_view::npos && colon > 0);
    const size_t line = std::stoul(std::string(rest.substr(0, colon)));
    FUZZ_CHECK(line >= 1 && line <= lineCount(text));
    return 0;
  }

  std::string written;
  int previousLine = 0;
  for (const mesh::EndpointsFileEntry& entry : entries) {
    FUZZ_CHECK(std::find(kClusters.begin(), kClusters.end(), entry.cluster) != kClusters.end());
    FUZZ_CHECK(entry.line > previousLine && static_cast<size_t>(entry.line) <= lineCount(text));
    previousLine = entry.line;
    written += entry.cluster;
    for (const mesh::HostPort& endpoint : entry.endpoints) {
      FUZZ_CHECK(endpoint.port != 0 && !endpoint.host.empty());
      const std::string spelled = endpoint.toString();
      FUZZ_CHECK(mesh::parseHostPort(spelled, mesh::PortRule::kNonZero, nullptr) == endpoint);
      written += " " + spelled;
    }
    written += "\n";
  }
  for (size_t i = 0; i < entries.size(); ++i) {
    for (size_t j = i + 1; j < entries.size(); ++j) {
      FUZZ_CHECK(entries[i].cluster != entries[j].cluster);
    }
  }
  FUZZ_CHECK(sameEntries(mesh::parseEndpointsFile(written, kFile, kClusters), entries));
  return 0;
}
