#include "policytest/RequestSpec.h"

#include <algorithm>

#include "support/Text.h"

namespace meshc::policytest {

SpecRequest::SpecRequest(const mesh_module& compiled, const mesh_regex_matcher* regex)
    : model_(mesh::pathOptionsOf(compiled)), regex_(regex) {}

mesh::RequestProblem SpecRequest::build(const RequestSpec& spec, mesh_request& out) {
  const std::string& url = spec.url;
  headers_.clear();
  const bool hasHost =
      std::any_of(spec.headers.begin(), spec.headers.end(),
                  [](const auto& header) { return toLowerAscii(header.first) == "host"; });
  static constexpr std::string_view kScheme = "http://";
  if (url.rfind(kScheme, 0) == 0) {
    const size_t end = url.find_first_of("/?", kScheme.size());
    const std::string authority = url.substr(kScheme.size(), end - kScheme.size());
    target_ = end == std::string::npos ? "/" : url.substr(end);
    if (target_[0] == '?') target_.insert(0, "/");
    if (!hasHost) headers_.emplace_back("host", authority);
  } else {
    target_ = url;
  }
  headers_.insert(headers_.end(), spec.headers.begin(), spec.headers.end());
  fields_.clear();
  for (const auto& [name, value] : headers_) fields_.push_back({name, value});
  method_ = spec.method;
  principal_ = spec.principal;

  mesh::RequestInput input;
  input.method = method_;
  input.target = target_;
  input.headers = fields_;
  input.sourceAddress = "127.0.0.1:0";
  input.sourcePrincipal = principal_;
  const mesh::RequestProblem problem = model_.build(input, out);
  out.regex = regex_;
  return problem;
}

}  // namespace meshc::policytest
