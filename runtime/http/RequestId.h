#pragma once

#include <array>
#include <cstdint>
#include <string_view>

namespace mesh {

// An x-request-id in the textual form of a random (version 4) UUID, made from two random words
// without touching the heap.
class RequestId {
 public:
  RequestId(uint64_t high, uint64_t low);
  std::string_view view() const { return {text_.data(), text_.size()}; }

 private:
  std::array<char, 36> text_;
};

}  // namespace mesh
