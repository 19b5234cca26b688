#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace meshc {

// Offset of the first byte that does not belong to well-formed UTF-8, or npos when all is valid.
size_t firstInvalidUtf8(std::string_view text);

inline bool isUtf8Continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

// Code points in `text` (continuation bytes are not counted, so malformed input never throws).
size_t codePointCount(std::string_view text);

// Byte offset in `line` of the code point at 1-based `column`; line.size() when past the end.
size_t byteOffsetOfColumn(std::string_view line, uint32_t column);

}  // namespace meshc
