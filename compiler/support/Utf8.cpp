#include "support/Utf8.h"

#include <string>

namespace meshc {

size_t firstInvalidUtf8(std::string_view text) {
  size_t i = 0;
  while (i < text.size()) {
    const auto lead = static_cast<unsigned char>(text[i]);
    size_t length = 0;
    unsigned char low = 0x80, high = 0xBF;  // allowed range of the first continuation byte
    if (lead < 0x80) {
      length = 1;
    } else if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      if (lead == 0xE0) low = 0xA0;   // overlong
      if (lead == 0xED) high = 0x9F;  // surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      if (lead == 0xF0) low = 0x90;   // overlong
      if (lead == 0xF4) high = 0x8F;  // beyond U+10FFFF
    } else {
      return i;
    }
    if (i + length > text.size()) return i;
    for (size_t k = 1; k < length; ++k) {
      const auto c = static_cast<unsigned char>(text[i + k]);
      const unsigned char min = k == 1 ? low : 0x80, max = k == 1 ? high : 0xBF;
      if (c < min || c > max) return i;
    }
    i += length;
  }
  return std::string_view::npos;
}

size_t codePointCount(std::string_view text) {
  size_t count = 0;
  for (char c : text) count += isUtf8Continuation(c) ? 0 : 1;
  return count;
}

size_t byteOffsetOfColumn(std::string_view line, uint32_t column) {
  if (column <= 1) return 0;
  uint32_t current = 1;
  for (size_t i = 0; i < line.size(); ++i) {
    if (isUtf8Continuation(line[i])) continue;
    if (current == column) return i;
    ++current;
  }
  return line.size();
}

}  // namespace meshc
