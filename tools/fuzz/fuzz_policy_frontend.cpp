// Policy text -> parse -> sema -> lint, and for a policy without errors, lowering and the IR
// verifier: the path of `meshc check` and `meshc compile` up to codegen (driver/Frontend,
// driver/Pipeline). Checks that every diagnostic and note points into the file, that a policy
// said to be checked has no errors, and that the IR of a checked policy verifies.

#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "FuzzCheck.h"
#include "driver/Frontend.h"
#include "driver/Pipeline.h"
#include "support/Utf8.h"

namespace {

constexpr std::string_view kFile = "fuzz.mesh";

// Lines as diagnostics count them: split at '\n' only, a '\r' before it not part of the line.
std::vector<std::string_view> linesOf(std::string_view text) {
  std::vector<std::string_view> lines;
  size_t start = 0;
  for (;;) {
    const size_t end = text.find('\n', start);
    std::string_view line = text.substr(start, end == std::string_view::npos ? end : end - start);
    if (line.ends_with('\r')) line.remove_suffix(1);
    lines.push_back(line);
    if (end == std::string_view::npos) return lines;
    start = end + 1;
  }
}

void checkLocation(const meshc::SourceLoc& loc, const std::vector<std::string_view>& lines) {
  FUZZ_CHECK(loc.file == kFile);
  FUZZ_CHECK(loc.line >= 1 && loc.line <= lines.size());
  // One past the last character is where an "unexpected end of line/file" points.
  FUZZ_CHECK(loc.column >= 1 && loc.column <= meshc::codePointCount(lines[loc.line - 1]) + 1);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  const meshc::driver::CheckedPolicy checked =
      meshc::driver::checkPolicy(meshc::SourceFile(std::string(kFile), text));

  const std::vector<std::string_view> lines = linesOf(text);
  for (const meshc::Diagnostic& diagnostic : checked.diagnostics.all()) {
    checkLocation(diagnostic.loc, lines);
    FUZZ_CHECK(!diagnostic.message.empty());
    for (const meshc::Note& note : diagnostic.notes) checkLocation(note.loc, lines);
  }
  FUZZ_CHECK(checked.parsed || checked.diagnostics.hasErrors());
  FUZZ_CHECK(!checked.checked || !checked.diagnostics.hasErrors());
  FUZZ_CHECK(checked.digest.starts_with("sha256:"));
  // Quoting the lines and underlining the constructs must cope with every location reported.
  const std::string rendered = checked.diagnostics.render(checked.source);
  FUZZ_CHECK(rendered.empty() == checked.diagnostics.all().empty());

  if (!checked.checked) return 0;
  try {
    meshc::driver::lowerAndVerify(checked);
  } catch (const std::logic_error& error) {
    std::fprintf(stderr, "%s\n", error.what());
    std::abort();
  }
  return 0;
}
