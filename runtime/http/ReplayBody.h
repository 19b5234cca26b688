#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace mesh {

// A request body kept, as it passes upstream, so that a retry can send it again. Bounded: a body
// over the limit is dropped at once and its request is not retried (as Envoy's retry buffer).
class ReplayBody {
 public:
  static constexpr size_t kLimit = 64 * 1024;

  enum class State {
    kOff,        // nothing is kept: no retry policy, or no body
    kRecording,  // every byte so far is kept
    kTooLarge,   // the body passed the limit: it cannot be sent again
  };

  void start() { state_ = State::kRecording; }

  void append(const char* data, size_t size) {
    switch (state_) {
      case State::kRecording:
        if (bytes_.size() + size > kLimit) {
          state_ = State::kTooLarge;
          std::string().swap(bytes_);
          return;
        }
        bytes_.append(data, size);
        return;
      case State::kOff:
      case State::kTooLarge:
        return;
    }
  }

  State state() const { return state_; }
  std::string_view bytes() const { return bytes_; }

 private:
  State state_ = State::kOff;
  std::string bytes_;
};

}  // namespace mesh
