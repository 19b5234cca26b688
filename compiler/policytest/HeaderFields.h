#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace meshc::policytest {

// The header fields of an HTTP message, in order, with the operations of the sidecar's Beast
// messages (names case-insensitive), so the runtime's field algorithms (mesh::applyHeaderEdits,
// mesh::applySidecarForwardedChanges, ...) change this model of a forwarded request exactly as
// they change the real one.
class HeaderFields {
 public:
  // Removes every field of the name, then appends one.
  void set(std::string_view name, std::string_view value);
  // Appends a field.
  void insert(std::string_view name, std::string_view value);
  // Removes every field of the name.
  void erase(std::string_view name);
  bool contains(std::string_view name) const { return value(name).has_value(); }
  // visit(name, value) for every field, in order.
  template <typename Visit>
  void forEach(Visit visit) const {
    for (const auto& [name, text] : fields_) visit(std::string_view(name), std::string_view(text));
  }

  // The values of the name's fields joined with ',' in order (as a policy sees a repeated
  // header), or nothing when no field has the name.
  std::optional<std::string> value(std::string_view name) const;

 private:
  std::vector<std::pair<std::string, std::string>> fields_;  // names lower-case
};

// What a rule's response header edits make of one header, whatever the response they apply to
// (the upstream's, or the sidecar's own answer): only the edits are known, so a header no edit
// sets or removes keeps whatever the response carries. Same operations as HeaderFields.
class ResponseHeaderEdits {
 public:
  void set(std::string_view name, std::string_view value);
  void insert(std::string_view name, std::string_view value);
  void erase(std::string_view name);

  struct Header {
    bool keepsResponseValue = true;  // no set or remove: the response's own fields stay first
    std::vector<std::string> added;  // values the edits leave after them
    std::string joined() const;      // `added` joined with ','
  };
  Header header(std::string_view name) const;

 private:
  std::vector<std::pair<std::string, Header>> headers_;  // names lower-case, each once
  Header& slot(std::string_view name);
};

}  // namespace meshc::policytest
