#pragma once

#include <string>
#include <vector>

#include "observability/StatsSnapshot.h"

namespace mesh {

// Label values for one cluster of the module.
struct ClusterLabels {
  std::string service;  // destination_service_name
  std::string version;  // destination_version: the subset
  std::string cluster;  // destination_cluster: the mesh cluster, e.g. "reviews.v2"
};

// Label values for one experiment variant.
struct VariantLabels {
  std::string experiment;
  std::string variant;  // destination_variant
};

struct MetricLabels {
  std::string workload;                 // source_workload of outbound (reporter="source") series
  std::vector<ClusterLabels> clusters;  // indexed like the module's clusters
  std::vector<VariantLabels> variants;  // indexed like RuleTable::variants()
};

// Renders the snapshot in the Prometheus text exposition format (version 0.0.4).
std::string renderPrometheus(const StatsSnapshot& snapshot, const MetricLabels& labels);

}  // namespace mesh
