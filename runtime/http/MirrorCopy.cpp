#include "http/MirrorCopy.h"

#include <charconv>

namespace mesh {
namespace http = boost::beast::http;

std::string shadowHost(std::string_view host) {
  // The port's ':' is the last one, unless it is inside an IPv6 literal's brackets.
  size_t end = host.rfind(':');
  const size_t bracket = host.rfind(']');
  if (end == std::string_view::npos || (bracket != std::string_view::npos && end < bracket)) {
    end = host.size();
  }
  std::string shadow(host.substr(0, end));
  shadow += "-shadow";
  shadow += host.substr(end);
  return shadow;
}

void MirrorCopy::begin(const http::request<http::buffer_body>& request,
                       std::vector<uint32_t> clusters, MirrorBudget& budget, StatsShard& stats) {
  if (clusters.empty()) return;
  clusters_ = std::move(clusters);
  state_ = State::kCopying;
  bodyLimit_ = budget.limits().bodyBytes;
  const auto length = request.find(http::field::content_length);
  if (length != request.end()) {
    // Normalised before routing (normalizeContentLength): one field of plain digits; anything
    // else is taken as too long.
    const std::string_view digits = length->value();
    uint64_t announced = 0;
    const auto [end, error] =
        std::from_chars(digits.data(), digits.data() + digits.size(), announced);
    if (error != std::errc() || end != digits.data() + digits.size() || announced > bodyLimit_) {
      skip(stats);
      return;
    }
  }
  auto payload = std::make_unique<MirrorPayload>();
  payload->headRequest = request.method() == http::verb::head;
  std::string& head = payload->head;
  head.append(request.method_string()).append(" ").append(request.target()).append(" HTTP/1.1\r\n");
  for (const auto& field : request) {
    // The copy goes out whole, framed by its own Content-Length (finish()).
    if (field.name() == http::field::content_length ||
        field.name() == http::field::transfer_encoding) {
      continue;
    }
    head.append(field.name_string()).append(": ");
    if (field.name() == http::field::host) {
      head.append(shadowHost(field.value()));
    } else {
      head.append(field.value());
    }
    head.append("\r\n");
  }
  payload->lease = budget.lease(static_cast<uint32_t>(clusters_.size()), head.size());
  if (!payload->lease.held()) {
    skip(stats);
    return;
  }
  payload_ = std::move(payload);
}

void MirrorCopy::append(const char* data, size_t size, StatsShard& stats) {
  if (state_ != State::kCopying || size == 0) return;
  if (size > bodyLimit_ - payload_->body.size() || !payload_->lease.grow(size)) {
    skip(stats);
    return;
  }
  payload_->body.append(data, size);
}

std::shared_ptr<const MirrorPayload> MirrorCopy::finish() {
  if (state_ != State::kCopying) return nullptr;
  state_ = State::kDispatched;
  std::string& head = payload_->head;
  if (!payload_->body.empty()) {
    head.append("content-length: ").append(std::to_string(payload_->body.size())).append("\r\n");
  }
  head.append("\r\n");
  return std::shared_ptr<const MirrorPayload>(std::move(payload_));
}

void MirrorCopy::abandon(StatsShard& stats) {
  if (state_ == State::kCopying) skip(stats);
}

void MirrorCopy::skip(StatsShard& stats) {
  state_ = State::kSkipped;
  payload_.reset();  // gives its bytes back to the budget
  for (const uint32_t cluster : clusters_) stats.recordMirror(cluster, MirrorResult::kSkipped);
}

}  // namespace mesh
