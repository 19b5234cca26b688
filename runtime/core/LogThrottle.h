#pragma once

#include <chrono>
#include <cstdint>
#include <optional>

namespace mesh {

// Lets a repeated warning through at most once per interval and counts the ones it holds back, so
// a failure that repeats many times a second (accept() out of file descriptors) neither floods the
// log nor goes unreported. One thread's: no locking.
class LogThrottle {
 public:
  using Clock = std::chrono::steady_clock;

  explicit LogThrottle(Clock::duration interval) : interval_(interval) {}

  // Whether the warning happening `now` is logged: if so, how many were held back since the last
  // one logged (0 the first time), else nothing.
  std::optional<uint64_t> admit(Clock::time_point now) {
    if (lastLogged_ && now - *lastLogged_ < interval_) {
      ++heldBack_;
      return std::nullopt;
    }
    lastLogged_ = now;
    const uint64_t heldBack = heldBack_;
    heldBack_ = 0;
    return heldBack;
  }

 private:
  const Clock::duration interval_;
  std::optional<Clock::time_point> lastLogged_;
  uint64_t heldBack_ = 0;
};

}  // namespace mesh
