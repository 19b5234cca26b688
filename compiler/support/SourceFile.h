#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace meshc {

// A policy file's text, kept for the lifetime of a compilation so diagnostics can quote lines.
class SourceFile {
 public:
  SourceFile(std::string path, std::string text);

  // Throws std::runtime_error naming the path and the OS error when the file cannot be read.
  // "-" reads standard input, named "<stdin>" in diagnostics.
  static SourceFile read(const std::string& path);

  const std::string& path() const { return path_; }
  const std::string& text() const { return text_; }
  // The 1-based line without its line terminator; empty when out of range.
  std::string_view line(uint32_t number) const;

 private:
  std::string path_;
  std::string text_;
  std::vector<size_t> lineStarts_;
};

}  // namespace meshc
