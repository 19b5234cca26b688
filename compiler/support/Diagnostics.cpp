#include "support/Diagnostics.h"

#include <algorithm>

namespace meshc {
namespace {

const char* label(Severity severity) {
  switch (severity) {
    case Severity::Error:
      return "error";
    case Severity::Warning:
      return "warning";
    case Severity::Note:
      return "note";
  }
  return "error";
}

}  // namespace

void Diagnostics::error(const SourceLoc& loc, std::string message) {
  diagnostics_.push_back({Severity::Error, loc, std::move(message)});
  ++errorCount_;
}

void Diagnostics::warning(const SourceLoc& loc, std::string message) {
  diagnostics_.push_back({Severity::Warning, loc, std::move(message)});
}

void Diagnostics::note(const SourceLoc& loc, std::string message) {
  diagnostics_.push_back({Severity::Note, loc, std::move(message)});
}

std::string Diagnostics::render(const SourceFile& source) const {
  std::string out;
  for (const Diagnostic& d : diagnostics_) {
    out += d.loc.file + ":" + std::to_string(d.loc.line) + ":" + std::to_string(d.loc.column) +
           ": " + label(d.severity) + ": " + d.message + "\n";
    if (d.loc.line == 0 || d.loc.file != source.path()) continue;
    const std::string_view line = source.line(d.loc.line);
    out += "  ";
    out += line;
    out += "\n  ";
    // Keep tabs so the caret lines up under the same column in a terminal.
    const size_t column = std::min<size_t>(d.loc.column > 0 ? d.loc.column - 1 : 0, line.size());
    for (size_t i = 0; i < column; ++i) out += line[i] == '\t' ? '\t' : ' ';
    out += "^\n";
  }
  return out;
}

}  // namespace meshc
