#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "core/HostPort.h"

namespace mesh {

// Dense ids for endpoint addresses, stable across reloads of the endpoint lists: an address keeps
// its id, so per-worker pools and upstream state indexed by id stay valid, and idle connections to
// an endpoint that survives a reload stay usable. Used on the thread that builds cluster tables.
class EndpointIds {
 public:
  uint32_t idOf(const HostPort& address) {
    const auto [it, inserted] = ids_.try_emplace(address.toString(), count());
    return it->second;
  }
  uint32_t count() const { return static_cast<uint32_t>(ids_.size()); }

 private:
  std::map<std::string, uint32_t> ids_;
};

}  // namespace mesh
