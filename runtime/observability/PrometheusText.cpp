#include "observability/PrometheusText.h"

#include <fmt/format.h>

#include <array>
#include <iterator>
#include <string_view>

namespace mesh {
namespace {

std::string escapeLabelValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

// The label set shared by the counter and the histogram of one series, without braces.
std::string seriesLabels(const RequestSeriesKey& key, const MetricLabels& labels) {
  static const ClusterLabels kUnknown{"unknown", "unknown", "unknown"};
  const bool known = key.cluster >= 0 && static_cast<size_t>(key.cluster) < labels.clusters.size();
  const ClusterLabels& destination = known ? labels.clusters[key.cluster] : kUnknown;
  // Without mTLS identities the destination side cannot name its caller.
  const std::string_view source =
      key.reporter == Reporter::kSource ? std::string_view(labels.workload) : "unknown";
  std::string text = fmt::format(
      "reporter=\"{}\",source_workload=\"{}\",destination_service_name=\"{}\","
      "destination_version=\"{}\",destination_cluster=\"{}\",response_code=\"{}\",response_flags="
      "\"{}\"",
      key.reporter == Reporter::kSource ? "source" : "destination", escapeLabelValue(source),
      escapeLabelValue(destination.service), escapeLabelValue(destination.version),
      escapeLabelValue(destination.cluster), key.responseCode, envoyName(key.flag));
  // Only an experiment's requests carry its labels, so its variants' series compare directly.
  if (key.variant >= 0 && static_cast<size_t>(key.variant) < labels.variants.size()) {
    const VariantLabels& variant = labels.variants[static_cast<size_t>(key.variant)];
    text += fmt::format(",experiment=\"{}\",destination_variant=\"{}\"",
                        escapeLabelValue(variant.experiment), escapeLabelValue(variant.variant));
  }
  return text;
}

// A cluster by index, as the mirror and retry counters name it.
std::string clusterLabel(const MetricLabels& labels, uint32_t cluster) {
  return cluster < labels.clusters.size() ? escapeLabelValue(labels.clusters[cluster].cluster)
                                          : std::string("unknown");
}

}  // namespace

std::string renderPrometheus(const StatsSnapshot& snapshot, const MetricLabels& labels) {
  std::string out;
  auto sink = std::back_inserter(out);

  out +=
      "# HELP istio_requests_total Requests handled, by reporter, destination, code and "
      "flags.\n";
  out += "# TYPE istio_requests_total counter\n";
  for (const auto& [key, totals] : snapshot.requests) {
    fmt::format_to(sink, "istio_requests_total{{{}}} {}\n", seriesLabels(key, labels),
                   totals.count);
  }

  out += "# HELP istio_request_duration_milliseconds Request duration in milliseconds.\n";
  out += "# TYPE istio_request_duration_milliseconds histogram\n";
  for (const auto& [key, totals] : snapshot.requests) {
    const std::string common = seriesLabels(key, labels);
    uint64_t cumulative = 0;
    for (size_t b = 0; b < kDurationBucketCount; ++b) {
      cumulative += totals.buckets[b];
      if (b < kDurationBucketsMs.size()) {
        fmt::format_to(sink, "istio_request_duration_milliseconds_bucket{{{},le=\"{}\"}} {}\n",
                       common, kDurationBucketsMs[b], cumulative);
      } else {
        fmt::format_to(sink, "istio_request_duration_milliseconds_bucket{{{},le=\"+Inf\"}} {}\n",
                       common, cumulative);
      }
    }
    fmt::format_to(sink, "istio_request_duration_milliseconds_sum{{{}}} {}\n", common,
                   totals.sumMs);
    fmt::format_to(sink, "istio_request_duration_milliseconds_count{{{}}} {}\n", common,
                   totals.count);
  }

  out += "# HELP meshc_upstream_connections_active Open connections to upstream endpoints.\n";
  out += "# TYPE meshc_upstream_connections_active gauge\n";
  fmt::format_to(sink, "meshc_upstream_connections_active {}\n",
                 snapshot.upstreamConnectionsActive);
  out += "# HELP meshc_upstream_connect_failures_total Failed connection attempts to upstreams.\n";
  out += "# TYPE meshc_upstream_connect_failures_total counter\n";
  fmt::format_to(sink, "meshc_upstream_connect_failures_total {}\n",
                 snapshot.upstreamConnectFailures);
  out +=
      "# HELP meshc_downstream_accept_failures_total Connections the listeners failed to accept "
      "(e.g. out of file descriptors).\n";
  out += "# TYPE meshc_downstream_accept_failures_total counter\n";
  fmt::format_to(sink, "meshc_downstream_accept_failures_total {}\n",
                 snapshot.downstreamAcceptFailures);
  out +=
      "# HELP mesh_mirror_requests_total Mirrored copies of requests, by mirror cluster and "
      "result.\n";
  out += "# TYPE mesh_mirror_requests_total counter\n";
  static constexpr std::array<std::string_view, kMirrorResultCount> kResults = {
      "sent", "succeeded", "failed", "skipped"};
  for (const auto& [cluster, counts] : snapshot.mirrors) {
    const std::string name = clusterLabel(labels, cluster);
    for (size_t r = 0; r < kMirrorResultCount; ++r) {
      fmt::format_to(sink, "mesh_mirror_requests_total{{cluster=\"{}\",result=\"{}\"}} {}\n", name,
                     kResults[r], counts[r]);
    }
  }
  out +=
      "# HELP mesh_retries_total Requests sent again by a rule's retry policy, by cluster and "
      "the cause of the failed attempt.\n";
  out += "# TYPE mesh_retries_total counter\n";
  static constexpr std::array<std::string_view, kRetryEventCount> kRetryLabels = {
      "connect_failure", "reset", "per_try_timeout", "status", "exhausted", "budget", "body"};
  for (const auto& [cluster, counts] : snapshot.retries) {
    const std::string name = clusterLabel(labels, cluster);
    for (size_t e = 0; e < kRetriedCauseCount; ++e) {
      fmt::format_to(sink, "mesh_retries_total{{cluster=\"{}\",cause=\"{}\"}} {}\n", name,
                     kRetryLabels[e], counts[e]);
    }
  }
  out +=
      "# HELP mesh_retries_refused_total Failed attempts a retry policy covers but did not "
      "retry, by cluster and reason: every attempt used, the retry budget spent, or a body that "
      "could not be sent again.\n";
  out += "# TYPE mesh_retries_refused_total counter\n";
  for (const auto& [cluster, counts] : snapshot.retries) {
    const std::string name = clusterLabel(labels, cluster);
    for (size_t e = kRetriedCauseCount; e < kRetryEventCount; ++e) {
      fmt::format_to(sink, "mesh_retries_refused_total{{cluster=\"{}\",reason=\"{}\"}} {}\n",
                     name, kRetryLabels[e], counts[e]);
    }
  }
  out += "# HELP meshc_mtls_connections_total Connections secured with mutual TLS, by direction.\n";
  out += "# TYPE meshc_mtls_connections_total counter\n";
  static constexpr std::array<std::string_view, kTlsDirectionCount> kDirections = {"inbound",
                                                                                   "outbound"};
  for (size_t d = 0; d < kTlsDirectionCount; ++d) {
    fmt::format_to(sink, "meshc_mtls_connections_total{{direction=\"{}\"}} {}\n", kDirections[d],
                   snapshot.mtlsConnections[d]);
  }
  out +=
      "# HELP meshc_mtls_failures_total Connections refused for mutual TLS, by direction and "
      "reason.\n";
  out += "# TYPE meshc_mtls_failures_total counter\n";
  for (size_t d = 0; d < kTlsDirectionCount; ++d) {
    for (size_t f = 0; f < kTlsFailureCount; ++f) {
      fmt::format_to(sink, "meshc_mtls_failures_total{{direction=\"{}\",reason=\"{}\"}} {}\n",
                     kDirections[d], labelOf(static_cast<TlsFailure>(f + 1)),
                     snapshot.mtlsFailures[d][f]);
    }
  }
  if (snapshot.certificateNotAfter) {
    out +=
        "# HELP meshc_certificate_expiry_timestamp_seconds When the workload certificate in use "
        "expires.\n";
    out += "# TYPE meshc_certificate_expiry_timestamp_seconds gauge\n";
    fmt::format_to(sink, "meshc_certificate_expiry_timestamp_seconds {}\n",
                   *snapshot.certificateNotAfter);
  }
  out += "# HELP meshc_stats_dropped_samples_total Samples lost because a shard was full.\n";
  out += "# TYPE meshc_stats_dropped_samples_total counter\n";
  fmt::format_to(sink, "meshc_stats_dropped_samples_total {}\n", snapshot.droppedSamples);
  return out;
}

}  // namespace mesh
