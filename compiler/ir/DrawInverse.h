#pragma once

// The inverse of abi.h's mesh_draw(): the seed whose draw on `stream` is `value`. mesh_draw is a
// bijection, so a test (or `meshc test`, measuring a split's exact shares) can reach every ticket
// of a split directly instead of sampling seeds.

#include <cstdint>

#include "mesh/abi.h"

namespace meshc::ir {

namespace draw_detail {

// x for y = x ^ (x >> shift).
constexpr uint64_t unshiftXor(uint64_t y, unsigned shift) {
  uint64_t x = y;
  for (unsigned s = shift; s < 64; s += shift) x ^= y >> s;
  return x;
}

// The multiplicative inverse of an odd number modulo 2^64 (Newton's iteration doubles the correct
// low bits each round: 5 rounds from 3 bits reach 96).
constexpr uint64_t inverseOdd(uint64_t odd) {
  uint64_t inverse = odd;
  for (int i = 0; i < 5; ++i) inverse *= 2 - odd * inverse;
  return inverse;
}

}  // namespace draw_detail

constexpr uint64_t seedForDraw(uint64_t stream, uint64_t value) {
  using namespace draw_detail;
  uint64_t z = unshiftXor(value, 31);
  z = unshiftXor(z * inverseOdd(0x94D049BB133111EBull), 27);
  z = unshiftXor(z * inverseOdd(0xBF58476D1CE4E5B9ull), 30);
  return z - stream * 0x9E3779B97F4A7C15ull;
}

}  // namespace meshc::ir
