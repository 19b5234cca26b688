#pragma once

#include <atomic>
#include <cstddef>

namespace mesh {

// A connection its worker can close when draining, if it is between requests (a mirrored
// request, which no client waits for, always is).
class DrainableSession {
 public:
  virtual ~DrainableSession() = default;
  virtual void closeIfIdle() = 0;

 private:
  friend class SessionList;
  DrainableSession* prev_ = nullptr;
  DrainableSession* next_ = nullptr;
};

// The live downstream connections (or mirrored requests) of one worker: an intrusive list, so
// accepting a connection costs no extra allocation. Only the worker thread changes it; size() may
// be read anywhere.
class SessionList {
 public:
  void add(DrainableSession* session) {
    session->next_ = head_;
    if (head_) head_->prev_ = session;
    head_ = session;
    size_.store(size_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  }

  void remove(DrainableSession* session) {
    if (session->prev_) session->prev_->next_ = session->next_;
    if (session->next_) session->next_->prev_ = session->prev_;
    if (head_ == session) head_ = session->next_;
    session->prev_ = session->next_ = nullptr;
    size_.store(size_.load(std::memory_order_relaxed) - 1, std::memory_order_relaxed);
  }

  void closeIdle() {
    // closeIfIdle() only cancels I/O; sessions leave the list later, from their own coroutine.
    for (DrainableSession* s = head_; s; s = s->next_) s->closeIfIdle();
  }

  size_t size() const { return size_.load(std::memory_order_relaxed); }

 private:
  DrainableSession* head_ = nullptr;
  std::atomic<size_t> size_{0};
};

}  // namespace mesh
