#pragma once

#include <boost/beast/http/fields.hpp>
#include <string_view>

namespace mesh {

// A Beast message's header fields with the operations the Boost-free field algorithms take
// (request/HopByHop, policy/ForwardedRequest), which `meshc test` runs on its own model of them.
class BeastFields {
 public:
  explicit BeastFields(boost::beast::http::fields& fields) : fields_(fields) {}

  template <typename Visit>
  void forEach(Visit visit) const {
    for (const auto& field : fields_) visit(field.name_string(), field.value());
  }
  bool contains(std::string_view name) const { return fields_.find(name) != fields_.end(); }
  void set(std::string_view name, std::string_view value) { fields_.set(name, value); }
  void erase(std::string_view name) { fields_.erase(name); }

 private:
  boost::beast::http::fields& fields_;
};

}  // namespace mesh
