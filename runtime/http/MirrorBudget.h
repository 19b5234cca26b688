#pragma once

#include <cstddef>
#include <cstdint>

namespace mesh {

// The memory one worker may spend on mirrored requests, so that copies of requests can never
// grow without bound when a mirror is slow or gone: each mirrored request's body is copied only
// up to a limit, and the worker holds at most so many mirrored requests and bytes at once. A
// request over a limit is not mirrored (and counted as skipped), never delayed. Only its worker
// touches it.
class MirrorBudget {
 public:
  struct Limits {
    size_t bodyBytes = 64 * 1024;    // of one request's body copy
    uint32_t requests = 128;         // mirrored requests in flight (one per mirror target)
    size_t bytes = 4 * 1024 * 1024;  // copies held: heads and bodies
  };

  // A share of the budget, given back when destroyed. Move-only.
  class Lease {
   public:
    Lease() = default;
    Lease(Lease&& other) noexcept { *this = static_cast<Lease&&>(other); }
    Lease& operator=(Lease&& other) noexcept;
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    ~Lease() { release(); }

    // Takes `more` bytes besides what the lease holds; false, changing nothing, when the budget
    // has not that much left.
    bool grow(size_t more);
    bool held() const { return budget_ != nullptr; }
    size_t bytes() const { return bytes_; }

   private:
    friend class MirrorBudget;
    void release();
    MirrorBudget* budget_ = nullptr;
    uint32_t requests_ = 0;
    size_t bytes_ = 0;
  };

  MirrorBudget() = default;
  explicit MirrorBudget(Limits limits) : limits_(limits) {}
  MirrorBudget(const MirrorBudget&) = delete;
  MirrorBudget& operator=(const MirrorBudget&) = delete;

  // `requests` mirrored requests holding `bytes` to begin with; an empty lease (held() false)
  // when either would go over the worker's limits.
  Lease lease(uint32_t requests, size_t bytes);

  const Limits& limits() const { return limits_; }
  uint32_t requestsInFlight() const { return requests_; }
  size_t bytesHeld() const { return bytes_; }

 private:
  Limits limits_;
  uint32_t requests_ = 0;
  size_t bytes_ = 0;
};

}  // namespace mesh
