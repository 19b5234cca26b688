#pragma once

#include <cstdint>
#include <string>

namespace meshc {

// A position in a policy file; 1-based line and column, as editors show them.
struct SourceLoc {
  std::string file;
  uint32_t line = 0;
  uint32_t column = 0;
};

}  // namespace meshc
