#include "http/HopByHop.h"

#include <boost/beast/core/string.hpp>
#include <string>
#include <vector>

namespace mesh {
namespace http = boost::beast::http;

namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool isProtected(std::string_view name) {
  return boost::beast::iequals(name, "content-length") ||
         boost::beast::iequals(name, "transfer-encoding") || boost::beast::iequals(name, "host");
}

}  // namespace

void removeHopByHopHeaders(http::fields& fields) {
  // Collect first: erasing while iterating the Connection values would invalidate them.
  std::vector<std::string> named;
  // Scan every field: Beast's equal_range spans list positions, which may interleave other fields.
  for (const auto& field : fields) {
    if (field.name() != http::field::connection) continue;
    std::string_view value = field.value();
    while (!value.empty()) {
      const size_t comma = value.find(',');
      const std::string_view token = trim(value.substr(0, comma));
      if (!token.empty() && !isProtected(token)) named.emplace_back(token);
      value = comma == std::string_view::npos ? std::string_view{} : value.substr(comma + 1);
    }
  }
  for (const std::string& name : named) fields.erase(name);
  for (http::field field :
       {http::field::connection, http::field::keep_alive, http::field::proxy_connection,
        http::field::te, http::field::trailer, http::field::upgrade}) {
    fields.erase(field);
  }
}

}  // namespace mesh
