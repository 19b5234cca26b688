#pragma once

#include <string>
#include <vector>

#include "support/SourceFile.h"
#include "support/SourceLoc.h"

namespace meshc {

enum class Severity { Error, Warning, Note };

struct Diagnostic {
  Severity severity;
  SourceLoc loc;
  std::string message;
};

// Collects every diagnostic of a run, so one invocation reports all errors of a file. Stages keep
// going after an error; the driver decides when to stop (hasErrors()).
class Diagnostics {
 public:
  void error(const SourceLoc& loc, std::string message);
  void warning(const SourceLoc& loc, std::string message);
  // Attaches to the diagnostic reported just before it.
  void note(const SourceLoc& loc, std::string message);

  bool hasErrors() const { return errorCount_ > 0; }
  size_t errorCount() const { return errorCount_; }
  const std::vector<Diagnostic>& all() const { return diagnostics_; }

  // Clang style: "file:line:col: error: message", the source line, a caret under the column.
  std::string render(const SourceFile& source) const;

 private:
  std::vector<Diagnostic> diagnostics_;
  size_t errorCount_ = 0;
};

}  // namespace meshc
