#include "driver/DiffCommand.h"

#include <cctype>
#include <iostream>

#include "diff/PolicyDiff.h"
#include "driver/Frontend.h"
#include "driver/Pipeline.h"
#include "driver/Report.h"
#include "support/Text.h"

namespace meshc::driver {
namespace {

std::string at(const std::optional<SourceLoc>& loc) {
  if (!loc) return "no rule";
  return "rule " + locationText(*loc);
}

// Query parameters are compared decoded; the example URL carries them encoded, so that sending it
// reproduces them.
std::string percentEncoded(const std::string& text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (const char c : text) {
    const auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) != 0 || c == '-' || c == '.' || c == '_' || c == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0xf];
    }
  }
  return out;
}

std::string describe(const diff::ExampleRequest& example) {
  std::string text = example.method + " http://" + example.host +
                     (example.port != 0 ? ":" + std::to_string(example.port) : "") + example.path;
  for (size_t q = 0; q < example.query.size(); ++q) {
    text += (q == 0 ? "?" : "&") + percentEncoded(example.query[q].first) + "=" +
            percentEncoded(example.query[q].second);
  }
  for (const auto& [name, value] : example.headers) {
    text += " -H " + quoted(name + ": " + value);
  }
  return text;
}

}  // namespace

int runDiff(const DiffOptions& options) {
  try {
    std::vector<std::vector<ir::Module>> versions;
    for (const std::string& path : {options.oldPolicy, options.newPolicy}) {
      CheckedPolicy checked = loadPolicy(path);
      if (!reportDiagnostics(checked, options.report)) {
        std::cerr << "meshc: " << path << " has errors; nothing compared\n";
        return 2;
      }
      versions.push_back(lowerAndVerify(checked));
    }
    const diff::PolicyDiff result = diff::diffPolicies(versions[0], versions[1], options.workload);
    for (const std::string& note : result.notes) std::cout << "note: " << note << "\n";
    std::string heading;
    for (const diff::ChangedClass& change : result.changes) {
      const std::string next = "workload " + change.workload + ", host " + quoted(change.host);
      if (next != heading) {
        heading = next;
        std::cout << heading << ":\n";
      }
      std::cout << "  " << at(change.oldRule) << " -> " << at(change.newRule) << "\n"
                << "    e.g. " << describe(change.example) << "\n"
                << "    old: " << change.oldOutcome << "\n"
                << "    new: " << change.newOutcome << "\n";
    }
    const size_t count = result.changes.size();
    if (count == 0) {
      std::cout << "no decision changes\n";
    } else {
      std::cout << count
                << (count == 1 ? " class of requests changes\n" : " classes of requests change\n");
    }
    // A workload only one version has, or a class left undecided, is not "no change".
    return result.changes.empty() && result.notes.empty() ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "meshc: " << e.what() << "\n";
    return 2;
  }
}

}  // namespace meshc::driver
