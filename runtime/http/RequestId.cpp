#include "http/RequestId.h"

namespace mesh {

RequestId::RequestId(uint64_t high, uint64_t low) {
  // RFC 9562: version 4 in the high nibble of byte 6, variant 0b10 in the top bits of byte 8.
  high = (high & 0xffffffffffff0fffULL) | 0x0000000000004000ULL;
  low = (low & 0x3fffffffffffffffULL) | 0x8000000000000000ULL;
  std::array<uint8_t, 16> bytes;
  for (int i = 0; i < 8; ++i) {
    bytes[i] = static_cast<uint8_t>(high >> (56 - 8 * i));
    bytes[8 + i] = static_cast<uint8_t>(low >> (56 - 8 * i));
  }
  static constexpr char kHex[] = "0123456789abcdef";
  size_t out = 0;
  for (size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) text_[out++] = '-';
    text_[out++] = kHex[bytes[i] >> 4];
    text_[out++] = kHex[bytes[i] & 0xf];
  }
}

}  // namespace mesh
