#include "support/Diagnostics.h"

#include <algorithm>
#include <cassert>
#include <tuple>

#include "support/Utf8.h"

namespace meshc {
namespace {

// ANSI escapes in clang's palette.
constexpr const char* kBold = "\033[1m";
constexpr const char* kRed = "\033[1;31m";
constexpr const char* kMagenta = "\033[1;35m";
constexpr const char* kGrey = "\033[1;30m";
constexpr const char* kGreen = "\033[1;32m";
constexpr const char* kReset = "\033[0m";

class Renderer {
 public:
  Renderer(const SourceFile& source, bool color) : source_(source), color_(color) {}

  void diagnostic(const Diagnostic& d) {
    const bool error = d.severity == Severity::Error;
    header(d.loc,
           std::string(error ? "error" : "warning") + "[" + std::string(codeId(d.code)) + "]",
           error ? kRed : kMagenta, d.message);
    quote(d.loc);
    for (const Note& note : d.notes) {
      header(note.loc, "note", kGrey, note.message);
      quote(note.loc);
    }
  }

  std::string take() { return std::move(out_); }

 private:
  void paint(const char* escape) {
    if (color_) out_ += escape;
  }

  void header(const SourceLoc& loc, const std::string& label, const char* labelColor,
              const std::string& message) {
    paint(kBold);
    out_ += loc.file + ":" + std::to_string(loc.line) + ":" + std::to_string(loc.column) + ": ";
    paint(labelColor);
    out_ += label + ": ";
    paint(kReset);
    paint(kBold);
    out_ += message;
    paint(kReset);
    out_ += "\n";
  }

  // The line, then a caret under the column (and '~' under the rest of the construct). Columns
  // count code points; tabs are copied into the caret line so it lines up in any terminal.
  void quote(const SourceLoc& loc) {
    if (loc.line == 0 || loc.file != source_.path()) return;
    const std::string_view line = source_.line(loc.line);
    out_ += "  ";
    out_ += line;
    out_ += "\n  ";
    const size_t start = byteOffsetOfColumn(line, loc.column);
    for (size_t i = 0; i < start; ++i) {
      if (isUtf8Continuation(line[i])) continue;
      out_ += line[i] == '\t' ? '\t' : ' ';
    }
    paint(kGreen);
    out_ += '^';
    // A construct running past the end of the line (a block comment) is underlined to its end.
    const size_t available = start < line.size() ? codePointCount(line.substr(start)) - 1 : 0;
    out_.append(std::min<size_t>(loc.length > 1 ? loc.length - 1 : 0, available), '~');
    paint(kReset);
    out_ += "\n";
  }

  const SourceFile& source_;
  bool color_;
  std::string out_;
};

}  // namespace

void Diagnostics::add(Severity severity, DiagnosticCode code, const SourceLoc& loc,
                      std::string message) {
  diagnostics_.push_back({severity, code, loc, std::move(message), {}});
}

void Diagnostics::error(DiagnosticCode code, const SourceLoc& loc, std::string message) {
  assert(!isWarningCode(code));
  add(Severity::Error, code, loc, std::move(message));
  ++errorCount_;
}

void Diagnostics::warning(DiagnosticCode code, const SourceLoc& loc, std::string message) {
  assert(isWarningCode(code));
  add(Severity::Warning, code, loc, std::move(message));
}

void Diagnostics::note(const SourceLoc& loc, std::string message) {
  assert(!diagnostics_.empty());
  if (diagnostics_.empty()) return;
  diagnostics_.back().notes.push_back({loc, std::move(message)});
}

void Diagnostics::promoteWarnings() {
  for (Diagnostic& d : diagnostics_) {
    if (d.severity == Severity::Warning) {
      d.severity = Severity::Error;
      ++errorCount_;
    }
  }
}

std::vector<Diagnostic> Diagnostics::sorted() const {
  std::vector<Diagnostic> out = diagnostics_;
  std::stable_sort(out.begin(), out.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.loc.file, a.loc.line, a.loc.column) <
           std::tie(b.loc.file, b.loc.line, b.loc.column);
  });
  return out;
}

std::string Diagnostics::render(const SourceFile& source, bool color) const {
  Renderer renderer(source, color);
  for (const Diagnostic& d : sorted()) renderer.diagnostic(d);
  return renderer.take();
}

}  // namespace meshc
