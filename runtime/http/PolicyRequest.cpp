#include "http/PolicyRequest.h"

namespace mesh {

RequestProblem PolicyRequestBuilder::build(const RequestHead& head, std::string_view sourceAddress,
                                           std::string_view sourcePrincipal, uint64_t seed,
                                           mesh_request& out) {
  fields_.clear();
  for (const auto& field : *head.fields) fields_.push_back({field.name_string(), field.value()});
  RequestInput input;
  input.method = head.method;
  input.target = head.target;
  input.headers = fields_;
  input.sourceAddress = sourceAddress;
  input.sourcePrincipal = sourcePrincipal;
  input.seed = seed;
  const RequestProblem problem = model_.build(input, out);
  out.regex = regex_;
  return problem;
}

}  // namespace mesh
