#include "http/UpstreamProtocolError.h"

#include <fmt/format.h>

#include <string>

#include "http/ReadLimits.h"

namespace mesh {
namespace {

class UpstreamProtocolCategory final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "meshc.upstream"; }

  std::string message(int value) const override {
    switch (static_cast<UpstreamProtocolError>(value)) {
      case UpstreamProtocolError::kAmbiguousFraming:
        return "response with both a Transfer-Encoding not ending in chunked and a "
               "Content-Length";
      case UpstreamProtocolError::kTooManyInterimResponses:
        return fmt::format("more than {} interim (1xx) responses", kMaxInterimResponses);
    }
    return "unknown upstream protocol error";
  }
};

}  // namespace

boost::system::error_code make_error_code(UpstreamProtocolError error) {
  static const UpstreamProtocolCategory category;
  return {static_cast<int>(error), category};
}

}  // namespace mesh
