#pragma once

// The copy of one exchange's request that the mirrors drawn for it receive. Internal to the data
// path (brings in Beast's message types).

#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/message.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/MirrorBudget.h"
#include "observability/StatsShard.h"

namespace mesh {

// The Host a mirror receives: the request's with "-shadow" appended to the host name, before any
// port, as Envoy and Istio do ("reviews:9080" becomes "reviews-shadow:9080"), so the mirror's
// application can tell copies from real requests.
std::string shadowHost(std::string_view host);

// What every mirror of one request is sent, shared by their senders; the lease keeps its bytes
// counted in the worker's budget until the last sender is done with it.
struct MirrorPayload {
  std::string head;  // request line and fields, ending with the empty line
  std::string body;
  bool headRequest = false;  // a response to HEAD has no body
  MirrorBudget::Lease lease;
};

// Built while the request goes to the primary upstream, without ever holding it up: the head as
// forwarded (after the rule's rewrite and header edits) and the body as it passes, up to the
// budget's per-request limit. Nothing here does I/O: the senders (MirrorSender) take the payload.
class MirrorCopy {
 public:
  enum class State {
    kNone,        // no mirror was drawn for this request
    kCopying,     // the head is kept, the body is copied as it passes
    kDispatched,  // the payload went to the senders
    kSkipped,     // over a limit, or the body never arrived whole: nothing is sent
  };

  State state() const { return state_; }
  const std::vector<uint32_t>& clusters() const { return clusters_; }

  // Starts a copy of `request`, as forwarded, for the drawn `clusters` (none: stays kNone). A body
  // whose announced length is over the per-request limit, or a worker out of budget, skips every
  // mirror at once (counted in `stats`).
  void begin(const boost::beast::http::request<boost::beast::http::buffer_body>& request,
             std::vector<uint32_t> clusters, MirrorBudget& budget, StatsShard& stats);

  // Body bytes as they pass on to the primary. Past a limit the copy is dropped and skipped.
  void append(const char* data, size_t size, StatsShard& stats);

  // The whole request has been copied: the payload for the senders (kDispatched), or null when
  // not copying.
  std::shared_ptr<const MirrorPayload> finish();

  // The request will never be whole (the client went away, the primary failed first): a copy
  // under way is skipped.
  void abandon(StatsShard& stats);

 private:
  void skip(StatsShard& stats);

  State state_ = State::kNone;
  std::vector<uint32_t> clusters_;
  size_t bodyLimit_ = 0;
  std::unique_ptr<MirrorPayload> payload_;
};

}  // namespace mesh
