#pragma once

// A/B experiments (abi.h mesh_experiment): how a request is assigned to a variant. One library for
// the sidecar and for `meshc test`/`explain`, so a test's request gets the variant a real one
// gets, on every sidecar and across restarts (the hash has no per-process key).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "mesh/abi.h"

namespace mesh {

struct Variant {
  std::string_view name;
  uint32_t cluster = 0;
  uint32_t weight = 0;  // in 1/100 %
};

struct Experiment {
  enum class Sticky { kNone, kHeader, kCookie, kConstant };
  std::string_view name;
  Sticky sticky = Sticky::kNone;
  std::string_view stickyName;  // the header (lower-case) or cookie, or the constant key
  std::string_view cookie;      // the assignment cookie; empty for none
  uint64_t cookieMaxAgeSeconds = 0;
  std::vector<Variant> variants;  // their weights total 10000
};

// Refuses null strings, an unknown sticky kind, a sticky key without a name, no variants, a
// variant without a name, weights that do not total 10000, and a cookie name that is not an HTTP
// token.
std::string decodeExperiment(const mesh_experiment& config, Experiment& out);

struct VariantAssignment {
  // What decided: the assignment cookie the request carried, its sticky key, or its random draw.
  enum class Basis { kCookie, kStickyKey, kDraw };
  uint32_t variant = 0;  // index into Experiment::variants
  Basis basis = Basis::kDraw;
  std::string_view key;     // kStickyKey: the key's value
  uint64_t ticket = 0;      // kStickyKey, kDraw: in [0, 10000)
  bool setsCookie = false;  // the response is to carry the assignment cookie
};

// abi.h's rules: the assignment cookie, else the sticky key's hash, else the request's draw.
VariantAssignment assignVariant(const Experiment& experiment, const mesh_request& request);

// The ticket of a sticky key: mesh_draw(FNV-1a 64 of the experiment's name, a NUL and the key,
// MESH_DRAW_EXPERIMENT) % 10000.
uint64_t stickyTicket(std::string_view experiment, std::string_view key);

// The value of the first cookie named `name` in the request's Cookie header (whose fields the
// request model joined with ","), or nullopt.
std::optional<std::string_view> cookieValue(const mesh_request& request, std::string_view name);

// The Set-Cookie value that keeps the assignment: "<cookie>=<variant>; Path=/" and, with a max
// age, "; Max-Age=<seconds>".
std::string assignmentCookie(const Experiment& experiment, uint32_t variant);

}  // namespace mesh
