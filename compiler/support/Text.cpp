#include "support/Text.h"

#include <algorithm>
#include <cctype>
#include <string_view>

namespace meshc {

std::string toLowerAscii(std::string text) {
  for (char& c : text) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return text;
}

std::string toUpperAscii(std::string text) {
  for (char& c : text) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return text;
}

std::string quoted(const std::string& value) {
  std::string out = "\"";
  for (char c : value) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string formatPercent(uint64_t basisPoints) {
  std::string text = std::to_string(basisPoints / 100);
  if (const uint64_t fraction = basisPoints % 100; fraction != 0) {
    text += fraction % 10 == 0 ? "." + std::to_string(fraction / 10)
                               : (fraction < 10 ? ".0" : ".") + std::to_string(fraction);
  }
  return text + "%";
}

std::string formatDuration(uint64_t ms) {
  if (ms != 0 && ms % 3'600'000 == 0) return std::to_string(ms / 3'600'000) + "h";
  if (ms != 0 && ms % 60'000 == 0) return std::to_string(ms / 60'000) + "m";
  if (ms != 0 && ms % 1000 == 0) return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}

bool isRequestUrl(const std::string& url) {
  const bool absolute = url.rfind("http://", 0) == 0;
  return (absolute || url.rfind('/', 0) == 0) && url.find_first_of(" #") == std::string::npos &&
         !hasControlCharacter(url);
}

bool isHttpToken(const std::string& text) {
  return !text.empty() && std::all_of(text.begin(), text.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) ||
           std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
  });
}

bool hasControlCharacter(const std::string& text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return (u < 0x20 && c != '\t') || u == 0x7f;
  });
}

bool isDnsName(std::string_view host) {
  size_t start = 0;
  while (start <= host.size()) {
    const size_t dot = std::min(host.find('.', start), host.size());
    const std::string_view label = host.substr(start, dot - start);
    const bool valid = !label.empty() && label.size() <= 63 && label.front() != '-' &&
                       label.back() != '-' && std::all_of(label.begin(), label.end(), [](char c) {
                         return std::isalnum(static_cast<unsigned char>(c)) || c == '-';
                       });
    if (!valid) return false;
    start = dot + 1;
  }
  return true;
}

}  // namespace meshc
