#pragma once

#include <cstddef>
#include <string_view>

namespace meshc {

// Offset of the first byte that does not belong to well-formed UTF-8, or npos when all is valid.
size_t firstInvalidUtf8(std::string_view text);

}  // namespace meshc
