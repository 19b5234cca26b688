#include "http/MirrorBudget.h"

namespace mesh {

MirrorBudget::Lease& MirrorBudget::Lease::operator=(Lease&& other) noexcept {
  if (this == &other) return *this;
  release();
  budget_ = other.budget_;
  requests_ = other.requests_;
  bytes_ = other.bytes_;
  other.budget_ = nullptr;
  other.requests_ = 0;
  other.bytes_ = 0;
  return *this;
}

bool MirrorBudget::Lease::grow(size_t more) {
  if (!budget_ || more > budget_->limits_.bytes - budget_->bytes_) return false;
  budget_->bytes_ += more;
  bytes_ += more;
  return true;
}

void MirrorBudget::Lease::release() {
  if (!budget_) return;
  budget_->requests_ -= requests_;
  budget_->bytes_ -= bytes_;
  budget_ = nullptr;
  requests_ = 0;
  bytes_ = 0;
}

MirrorBudget::Lease MirrorBudget::lease(uint32_t requests, size_t bytes) {
  Lease lease;
  if (requests > limits_.requests - requests_ || bytes > limits_.bytes - bytes_) return lease;
  requests_ += requests;
  bytes_ += bytes;
  lease.budget_ = this;
  lease.requests_ = requests;
  lease.bytes_ = bytes;
  return lease;
}

}  // namespace mesh
