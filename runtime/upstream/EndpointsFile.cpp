#include "upstream/EndpointsFile.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace mesh {
namespace {

std::vector<std::string_view> splitWords(std::string_view line) {
  std::vector<std::string_view> words;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    const size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > start) words.push_back(line.substr(start, i - start));
  }
  return words;
}

}  // namespace

std::vector<EndpointsFileEntry> parseEndpointsFile(std::string_view text, std::string_view fileName,
                                                   const std::vector<std::string>& knownClusters,
                                                   std::vector<std::string>* ignored) {
  std::vector<EndpointsFileEntry> all;  // every cluster's, for the repetition check
  int lineNumber = 0;
  while (!text.empty()) {
    ++lineNumber;
    const size_t newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    text = newline == std::string_view::npos ? std::string_view{} : text.substr(newline + 1);
    if (const size_t hash = line.find('#'); hash != std::string_view::npos) {
      line = line.substr(0, hash);
    }
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);

    const std::vector<std::string_view> words = splitWords(line);
    if (words.empty()) continue;
    auto fail = [&](const std::string& what) {
      std::ostringstream message;
      message << fileName << ":" << lineNumber << ": " << what;
      throw EndpointsFileError(message.str());
    };

    const std::string cluster(words[0]);
    for (const EndpointsFileEntry& earlier : all) {
      if (earlier.cluster == cluster) {
        fail("cluster \"" + cluster + "\" is already listed on line " +
             std::to_string(earlier.line));
      }
    }
    EndpointsFileEntry entry{cluster, {}, lineNumber};
    for (size_t i = 1; i < words.size(); ++i) {
      std::string why;
      std::optional<HostPort> address = parseHostPort(words[i], PortRule::kNonZero, &why);
      if (!address) {
        fail("malformed address \"" + std::string(words[i]) + "\" for cluster \"" + cluster +
             "\": " + why);
      }
      entry.endpoints.push_back(std::move(*address));
    }
    all.push_back(std::move(entry));
  }
  std::vector<EndpointsFileEntry> entries;
  for (EndpointsFileEntry& entry : all) {
    if (std::find(knownClusters.begin(), knownClusters.end(), entry.cluster) !=
        knownClusters.end()) {
      entries.push_back(std::move(entry));
    } else if (ignored != nullptr) {
      ignored->push_back(entry.cluster);
    }
  }
  return entries;
}

std::string readEndpointsFile(const std::string& path) {
  // An ifstream opens a directory, and then reads nothing from it: it would load as empty.
  std::error_code ignoredError;
  if (std::filesystem::is_directory(path, ignoredError)) {
    throw EndpointsFileError(path + ": is a directory, not an endpoints file");
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw EndpointsFileError(path + ": cannot open endpoints file: " + std::strerror(errno));
  }
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace mesh
