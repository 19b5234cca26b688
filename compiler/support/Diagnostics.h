#pragma once

#include <string>
#include <vector>

#include "support/DiagnosticCodes.h"
#include "support/SourceFile.h"
#include "support/SourceLoc.h"

namespace meshc {

enum class Severity { Error, Warning };

// Extra context for a diagnostic (e.g. where the first of two duplicates is); never stands alone.
struct Note {
  SourceLoc loc;
  std::string message;
};

struct Diagnostic {
  Severity severity;
  DiagnosticCode code;
  SourceLoc loc;
  std::string message;
  std::vector<Note> notes;
};

// Collects every diagnostic of a run, so one invocation reports all errors of a file. Stages keep
// going after an error; the driver decides when to stop (hasErrors()).
class Diagnostics {
 public:
  // `code` must be an error code (E...) for error() and a warning code (W...) for warning().
  void error(DiagnosticCode code, const SourceLoc& loc, std::string message);
  void warning(DiagnosticCode code, const SourceLoc& loc, std::string message);
  // Attaches to the diagnostic reported just before it.
  void note(const SourceLoc& loc, std::string message);

  // --werror: every warning so far becomes an error (it keeps its W code).
  void promoteWarnings();

  bool hasErrors() const { return errorCount_ > 0; }
  size_t errorCount() const { return errorCount_; }
  size_t warningCount() const { return diagnostics_.size() - errorCount_; }
  // In the order reported.
  const std::vector<Diagnostic>& all() const { return diagnostics_; }
  // By file, line and column; diagnostics at the same position keep the order reported.
  std::vector<Diagnostic> sorted() const;

  // Clang style, in position order: "file:line:col: error[E0201]: message", the source line and
  // a caret (or an underline of the whole construct); notes follow their diagnostic.
  std::string render(const SourceFile& source, bool color = false) const;

 private:
  void add(Severity severity, DiagnosticCode code, const SourceLoc& loc, std::string message);

  std::vector<Diagnostic> diagnostics_;
  size_t errorCount_ = 0;
};

}  // namespace meshc
