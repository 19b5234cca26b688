#include "support/DiagnosticJson.h"

namespace meshc {
namespace {

std::string quoted(std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (u < 0x20 || u == 0x7f) {
          out += "\\u00";
          out += kHex[u >> 4];
          out += kHex[u & 0xf];
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

std::string location(const SourceLoc& loc) {
  const uint32_t endColumn = loc.column + loc.length;
  return "\"file\":" + quoted(loc.file) + ",\"line\":" + std::to_string(loc.line) +
         ",\"column\":" + std::to_string(loc.column) + ",\"end_line\":" + std::to_string(loc.line) +
         ",\"end_column\":" + std::to_string(endColumn);
}

}  // namespace

std::string toJson(const Diagnostics& diagnostics) {
  std::string out = "{\"diagnostics\":[";
  bool first = true;
  for (const Diagnostic& d : diagnostics.sorted()) {
    if (!first) out += ",";
    first = false;
    out += "{\"severity\":";
    out += d.severity == Severity::Error ? "\"error\"" : "\"warning\"";
    out += ",\"code\":" + quoted(codeId(d.code)) + ",\"message\":" + quoted(d.message) + "," +
           location(d.loc) + ",\"notes\":[";
    for (size_t i = 0; i < d.notes.size(); ++i) {
      if (i > 0) out += ",";
      out += "{\"message\":" + quoted(d.notes[i].message) + "," + location(d.notes[i].loc) + "}";
    }
    out += "]}";
  }
  out += "],\"errors\":" + std::to_string(diagnostics.errorCount()) +
         ",\"warnings\":" + std::to_string(diagnostics.warningCount()) + "}\n";
  return out;
}

}  // namespace meshc
