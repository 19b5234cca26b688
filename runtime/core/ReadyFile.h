#pragma once

#include <string>
#include <string_view>

namespace mesh {

// Writes `content` to `path` so that a reader sees either no file or the whole file: write a
// temporary file beside it, then rename it into place. Throws std::runtime_error.
void writeFileAtomically(const std::string& path, std::string_view content);

}  // namespace mesh
