// The LLVM struct types of the code generator must lay out exactly as the C compiler lays out
// abi.h: a mismatch would make compiled policies and the runtime read each other's fields wrong.

#include <gtest/gtest.h>

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "codegen/AbiLayout.h"
#include "mesh/abi.h"

namespace meshc::codegen {
namespace {

struct CLayout {
  size_t size;
  size_t alignment;
  std::vector<size_t> offsets;
};

std::map<std::string, CLayout> cLayouts() {
  return {
      {"mesh_str",
       {sizeof(mesh_str), alignof(mesh_str), {offsetof(mesh_str, data), offsetof(mesh_str, len)}}},
      {"mesh_header",
       {sizeof(mesh_header),
        alignof(mesh_header),
        {offsetof(mesh_header, name), offsetof(mesh_header, value)}}},
      {"mesh_regex_matcher",
       {sizeof(mesh_regex_matcher),
        alignof(mesh_regex_matcher),
        {offsetof(mesh_regex_matcher, context), offsetof(mesh_regex_matcher, full_match)}}},
      {"mesh_request",
       {sizeof(mesh_request),
        alignof(mesh_request),
        {offsetof(mesh_request, method), offsetof(mesh_request, scheme),
         offsetof(mesh_request, host), offsetof(mesh_request, path), offsetof(mesh_request, query),
         offsetof(mesh_request, source_principal), offsetof(mesh_request, source_address),
         offsetof(mesh_request, headers), offsetof(mesh_request, header_count),
         offsetof(mesh_request, query_params), offsetof(mesh_request, query_param_count),
         offsetof(mesh_request, regex), offsetof(mesh_request, seed), offsetof(mesh_request, port),
         offsetof(mesh_request, reserved0)}}},
      {"mesh_route_decision",
       {sizeof(mesh_route_decision),
        alignof(mesh_route_decision),
        {offsetof(mesh_route_decision, rule), offsetof(mesh_route_decision, cluster)}}},
      {"mesh_cluster",
       {sizeof(mesh_cluster),
        alignof(mesh_cluster),
        {offsetof(mesh_cluster, name), offsetof(mesh_cluster, service),
         offsetof(mesh_cluster, subset), offsetof(mesh_cluster, endpoints),
         offsetof(mesh_cluster, endpoint_count), offsetof(mesh_cluster, service_index)}}},
      {"mesh_service",
       {sizeof(mesh_service),
        alignof(mesh_service),
        {offsetof(mesh_service, name), offsetof(mesh_service, principals),
         offsetof(mesh_service, port), offsetof(mesh_service, first_rule),
         offsetof(mesh_service, rule_count), offsetof(mesh_service, principal_count),
         offsetof(mesh_service, mtls), offsetof(mesh_service, reserved0)}}},
      {"mesh_action",
       {sizeof(mesh_action),
        alignof(mesh_action),
        {offsetof(mesh_action, kind), offsetof(mesh_action, reserved0),
         offsetof(mesh_action, config)}}},
      {"mesh_timeout_action",
       {sizeof(mesh_timeout_action),
        alignof(mesh_timeout_action),
        {offsetof(mesh_timeout_action, timeout_ms)}}},
      {"mesh_header_edit",
       {sizeof(mesh_header_edit),
        alignof(mesh_header_edit),
        {offsetof(mesh_header_edit, name), offsetof(mesh_header_edit, value),
         offsetof(mesh_header_edit, op), offsetof(mesh_header_edit, reserved0)}}},
      {"mesh_header_edits",
       {sizeof(mesh_header_edits),
        alignof(mesh_header_edits),
        {offsetof(mesh_header_edits, edits), offsetof(mesh_header_edits, count),
         offsetof(mesh_header_edits, reserved0)}}},
      {"mesh_direct_response",
       {sizeof(mesh_direct_response),
        alignof(mesh_direct_response),
        {offsetof(mesh_direct_response, body), offsetof(mesh_direct_response, status),
         offsetof(mesh_direct_response, reserved0)}}},
      {"mesh_path_rewrite",
       {sizeof(mesh_path_rewrite),
        alignof(mesh_path_rewrite),
        {offsetof(mesh_path_rewrite, value), offsetof(mesh_path_rewrite, prefix),
         offsetof(mesh_path_rewrite, kind), offsetof(mesh_path_rewrite, reserved0)}}},
      {"mesh_redirect",
       {sizeof(mesh_redirect),
        alignof(mesh_redirect),
        {offsetof(mesh_redirect, scheme), offsetof(mesh_redirect, host),
         offsetof(mesh_redirect, path), offsetof(mesh_redirect, port),
         offsetof(mesh_redirect, status)}}},
      {"mesh_rewrite",
       {sizeof(mesh_rewrite),
        alignof(mesh_rewrite),
        {offsetof(mesh_rewrite, host), offsetof(mesh_rewrite, path)}}},
      {"mesh_mirror",
       {sizeof(mesh_mirror),
        alignof(mesh_mirror),
        {offsetof(mesh_mirror, cluster), offsetof(mesh_mirror, weight)}}},
      {"mesh_mirrors",
       {sizeof(mesh_mirrors),
        alignof(mesh_mirrors),
        {offsetof(mesh_mirrors, mirrors), offsetof(mesh_mirrors, count),
         offsetof(mesh_mirrors, reserved0)}}},
      {"mesh_variant",
       {sizeof(mesh_variant),
        alignof(mesh_variant),
        {offsetof(mesh_variant, name), offsetof(mesh_variant, cluster),
         offsetof(mesh_variant, weight)}}},
      {"mesh_experiment",
       {sizeof(mesh_experiment),
        alignof(mesh_experiment),
        {offsetof(mesh_experiment, name), offsetof(mesh_experiment, sticky_name),
         offsetof(mesh_experiment, cookie), offsetof(mesh_experiment, variants),
         offsetof(mesh_experiment, cookie_max_age_s), offsetof(mesh_experiment, variant_count),
         offsetof(mesh_experiment, sticky)}}},
      {"mesh_cors",
       {sizeof(mesh_cors),
        alignof(mesh_cors),
        {offsetof(mesh_cors, origins), offsetof(mesh_cors, allow_methods),
         offsetof(mesh_cors, allow_headers), offsetof(mesh_cors, expose_headers),
         offsetof(mesh_cors, max_age_s), offsetof(mesh_cors, origin_count),
         offsetof(mesh_cors, allow_credentials)}}},
      {"mesh_retry",
       {sizeof(mesh_retry),
        alignof(mesh_retry),
        {offsetof(mesh_retry, statuses), offsetof(mesh_retry, per_try_timeout_ms),
         offsetof(mesh_retry, backoff_base_ms), offsetof(mesh_retry, backoff_max_ms),
         offsetof(mesh_retry, status_count), offsetof(mesh_retry, conditions),
         offsetof(mesh_retry, attempts), offsetof(mesh_retry, budget),
         offsetof(mesh_retry, non_idempotent), offsetof(mesh_retry, reserved0)}}},
      {"mesh_rule",
       {sizeof(mesh_rule),
        alignof(mesh_rule),
        {offsetof(mesh_rule, location), offsetof(mesh_rule, actions),
         offsetof(mesh_rule, action_count), offsetof(mesh_rule, service),
         offsetof(mesh_rule, index), offsetof(mesh_rule, reserved0)}}},
      {"mesh_module",
       {sizeof(mesh_module),
        alignof(mesh_module),
        {offsetof(mesh_module, abi_version), offsetof(mesh_module, reserved0),
         offsetof(mesh_module, mesh_name), offsetof(mesh_module, workload),
         offsetof(mesh_module, policy_digest), offsetof(mesh_module, compiler_version),
         offsetof(mesh_module, trust_domain), offsetof(mesh_module, principal),
         offsetof(mesh_module, services), offsetof(mesh_module, clusters),
         offsetof(mesh_module, rules), offsetof(mesh_module, regexes),
         offsetof(mesh_module, service_count), offsetof(mesh_module, cluster_count),
         offsetof(mesh_module, rule_count), offsetof(mesh_module, regex_count),
         offsetof(mesh_module, merge_slashes), offsetof(mesh_module, encoded_slashes),
         offsetof(mesh_module, local_service), offsetof(mesh_module, local_cluster),
         offsetof(mesh_module, route)}}},
  };
}

TEST(AbiLayout, EveryStructMatchesTheCCompiler) {
  const std::map<std::string, CLayout> expected = cLayouts();
  const std::vector<StructLayoutReport> reports = abiStructLayouts();
  ASSERT_EQ(reports.size(), expected.size());
  for (const StructLayoutReport& report : reports) {
    SCOPED_TRACE(report.name);
    const auto it = expected.find(report.name);
    ASSERT_NE(it, expected.end()) << "the code generator has a struct abi.h does not";
    EXPECT_EQ(report.size, it->second.size);
    EXPECT_EQ(report.alignment, it->second.alignment);
    ASSERT_EQ(report.fieldOffsets.size(), it->second.offsets.size()) << "field count differs";
    for (size_t i = 0; i < report.fieldOffsets.size(); ++i) {
      EXPECT_EQ(report.fieldOffsets[i], it->second.offsets[i]) << "field " << i;
    }
  }
}

}  // namespace
}  // namespace meshc::codegen
