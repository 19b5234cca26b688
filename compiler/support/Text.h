#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace meshc {

// ASCII lower-case: header names and hosts are case-insensitive and compared lower-case.
std::string toLowerAscii(std::string text);

// ASCII upper-case: what a method written in lower case most likely meant.
std::string toUpperAscii(std::string text);

// `value` in double quotes with ", \, newline and tab escaped as the language writes them.
std::string quoted(const std::string& value);

// A non-empty RFC 9110 token: what header names and methods are.
bool isHttpToken(const std::string& text);

// A control character other than tab: no request line or header value carries one.
bool hasControlCharacter(const std::string& text);

// DNS labels of letters, digits and '-', not starting or ending with '-'; IPv4 fits too.
bool isDnsName(std::string_view host);

// A URL as an application would send it to its sidecar: "http://authority/path?query" or an
// origin-form "/path?query", without spaces, control characters or a fragment (what tests and
// `meshc explain` accept; the authority itself is checked by the request model).
bool isRequestUrl(const std::string& url);

// A duration as the language writes it, in the largest exact unit: 2s, 250ms, 1m, 1h.
std::string formatDuration(uint64_t milliseconds);

// A weight in basis points as the language writes it: 90%, 12.5%, 33.34%.
std::string formatPercent(uint64_t basisPoints);

}  // namespace meshc
