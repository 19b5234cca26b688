#include "policy/Experiment.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "policy/RequestFields.h"

namespace mesh {
namespace {

bool isTokenChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool isToken(std::string_view text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), isTokenChar);
}

std::string_view trimmed(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

uint32_t variantOfTicket(const Experiment& experiment, uint64_t ticket) {
  uint64_t runningSum = 0;
  for (uint32_t v = 0; v < experiment.variants.size(); ++v) {
    runningSum += experiment.variants[v].weight;
    if (ticket < runningSum) return v;
  }
  return static_cast<uint32_t>(experiment.variants.size() - 1);
}

}  // namespace

std::string decodeExperiment(const mesh_experiment& config, Experiment& out) {
  if (!config.name || !config.sticky_name || !config.cookie) {
    return "a null name, sticky key or cookie";
  }
  out.name = config.name;
  out.stickyName = config.sticky_name;
  out.cookie = config.cookie;
  out.cookieMaxAgeSeconds = config.cookie_max_age_s;
  switch (config.sticky) {
    case MESH_STICKY_NONE:
      out.sticky = Experiment::Sticky::kNone;
      break;
    case MESH_STICKY_HEADER:
      out.sticky = Experiment::Sticky::kHeader;
      break;
    case MESH_STICKY_COOKIE:
      out.sticky = Experiment::Sticky::kCookie;
      break;
    case MESH_STICKY_CONSTANT:
      out.sticky = Experiment::Sticky::kConstant;
      break;
    default:
      return fmt::format("unknown sticky kind {}", config.sticky);
  }
  if (out.sticky != Experiment::Sticky::kNone && out.stickyName.empty()) {
    return "a sticky key without a name";
  }
  if (!out.cookie.empty() && !isToken(out.cookie)) {
    return fmt::format("cookie name \"{}\" is not an HTTP token", out.cookie);
  }
  if (config.variant_count == 0 || !config.variants) return "no variants";
  uint64_t total = 0;
  for (uint32_t v = 0; v < config.variant_count; ++v) {
    const mesh_variant& variant = config.variants[v];
    if (!variant.name || *variant.name == '\0') return fmt::format("variant {} has no name", v);
    out.variants.push_back({variant.name, variant.cluster, variant.weight});
    total += variant.weight;
  }
  if (total != 10000) return fmt::format("variant weights total {}, not 10000", total);
  return {};
}

uint64_t stickyTicket(std::string_view experiment, std::string_view key) {
  uint64_t hash = 0xcbf29ce484222325ull;
  auto mix = [&](unsigned char byte) {
    hash ^= byte;
    hash *= 0x100000001b3ull;
  };
  for (char c : experiment) mix(static_cast<unsigned char>(c));
  mix(0);
  for (char c : key) mix(static_cast<unsigned char>(c));
  return mesh_draw(hash, MESH_DRAW_EXPERIMENT) % 10000;
}

// Cookie pairs are separated by ';' (RFC 6265) and, where the request model joined several Cookie
// fields, by ','; a cookie value never holds either.
std::optional<std::string_view> cookieValue(const mesh_request& request, std::string_view name) {
  const std::optional<std::string_view> header = headerValue(request, "cookie");
  if (!header) return std::nullopt;
  std::string_view rest = *header;
  while (!rest.empty()) {
    const size_t end = std::min(rest.find(';'), rest.find(','));
    const std::string_view pair = trimmed(rest.substr(0, end));
    rest = end == std::string_view::npos ? std::string_view() : rest.substr(end + 1);
    const size_t equals = pair.find('=');
    if (equals == std::string_view::npos || trimmed(pair.substr(0, equals)) != name) continue;
    std::string_view value = trimmed(pair.substr(equals + 1));
    if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
      value = value.substr(1, value.size() - 2);
    }
    return value;
  }
  return std::nullopt;
}

VariantAssignment assignVariant(const Experiment& experiment, const mesh_request& request) {
  VariantAssignment assignment;
  if (!experiment.cookie.empty()) {
    if (const auto value = cookieValue(request, experiment.cookie)) {
      for (uint32_t v = 0; v < experiment.variants.size(); ++v) {
        if (experiment.variants[v].name != *value) continue;
        assignment.variant = v;
        assignment.basis = VariantAssignment::Basis::kCookie;
        return assignment;
      }
    }
    assignment.setsCookie = true;
  }
  std::optional<std::string_view> key;
  switch (experiment.sticky) {
    case Experiment::Sticky::kNone:
      break;
    case Experiment::Sticky::kHeader:
      key = headerValue(request, experiment.stickyName);
      break;
    case Experiment::Sticky::kCookie:
      key = cookieValue(request, experiment.stickyName);
      break;
    case Experiment::Sticky::kConstant:
      key = experiment.stickyName;
      break;
  }
  // An empty key would put every caller without one in the same variant.
  if (key && !key->empty()) {
    assignment.basis = VariantAssignment::Basis::kStickyKey;
    assignment.key = *key;
    assignment.ticket = stickyTicket(experiment.name, *key);
  } else {
    assignment.basis = VariantAssignment::Basis::kDraw;
    assignment.ticket = mesh_draw(request.seed, MESH_DRAW_EXPERIMENT) % 10000;
  }
  assignment.variant = variantOfTicket(experiment, assignment.ticket);
  return assignment;
}

std::string assignmentCookie(const Experiment& experiment, uint32_t variant) {
  std::string value =
      fmt::format("{}={}; Path=/", experiment.cookie, experiment.variants.at(variant).name);
  if (experiment.cookieMaxAgeSeconds > 0) {
    value += fmt::format("; Max-Age={}", experiment.cookieMaxAgeSeconds);
  }
  return value;
}

}  // namespace mesh
