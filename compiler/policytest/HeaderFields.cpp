#include "policytest/HeaderFields.h"

#include <algorithm>

#include "support/Text.h"

namespace meshc::policytest {
namespace {

std::string lower(std::string_view name) { return toLowerAscii(std::string(name)); }

std::string joined(const std::vector<std::string>& values) {
  std::string text;
  for (const std::string& value : values) text += (text.empty() ? "" : ",") + value;
  return text;
}

}  // namespace

void HeaderFields::set(std::string_view name, std::string_view value) {
  erase(name);
  insert(name, value);
}

void HeaderFields::insert(std::string_view name, std::string_view value) {
  fields_.emplace_back(lower(name), std::string(value));
}

void HeaderFields::erase(std::string_view name) {
  const std::string key = lower(name);
  std::erase_if(fields_, [&](const auto& field) { return field.first == key; });
}

std::optional<std::string> HeaderFields::value(std::string_view name) const {
  const std::string key = lower(name);
  std::vector<std::string> values;
  for (const auto& [field, value] : fields_) {
    if (field == key) values.push_back(value);
  }
  if (values.empty()) return std::nullopt;
  return joined(values);
}

void ResponseHeaderEdits::set(std::string_view name, std::string_view value) {
  slot(name) = Header{false, {std::string(value)}};
}

void ResponseHeaderEdits::insert(std::string_view name, std::string_view value) {
  slot(name).added.emplace_back(value);
}

void ResponseHeaderEdits::erase(std::string_view name) { slot(name) = Header{false, {}}; }

std::string ResponseHeaderEdits::Header::joined() const { return policytest::joined(added); }

ResponseHeaderEdits::Header ResponseHeaderEdits::header(std::string_view name) const {
  const std::string key = lower(name);
  const auto it = std::find_if(headers_.begin(), headers_.end(),
                               [&](const auto& entry) { return entry.first == key; });
  return it == headers_.end() ? Header{} : it->second;
}

ResponseHeaderEdits::Header& ResponseHeaderEdits::slot(std::string_view name) {
  const std::string key = lower(name);
  const auto it = std::find_if(headers_.begin(), headers_.end(),
                               [&](const auto& entry) { return entry.first == key; });
  if (it != headers_.end()) return it->second;
  return headers_.emplace_back(key, Header{}).second;
}

}  // namespace meshc::policytest
