// The fuzz targets build Boost with BOOST_ENABLE_ASSERT_HANDLER: Beast's assertions then stay on
// whatever the build type, and come here.

#include <cstdio>
#include <cstdlib>
#include <string_view>

namespace boost {

void assertion_failed(const char* expr, const char* function, const char* file, long line) {
  // Boost 1.81's chunk parser asserts that a final chunk header it asked more bytes for comes
  // back at least 5 bytes long; "0\r\n" then one more byte is 4, and the code after the assertion
  // handles it (boostorg/beast#2861 corrected the assertion in Boost 1.86).
  if (std::string_view(file).ends_with("boost/beast/http/impl/basic_parser.ipp") &&
      std::string_view(expr) == "n >= 5") {
    return;
  }
  std::fprintf(stderr, "%s:%ld: %s: assertion failed: %s\n", file, line, function, expr);
  std::abort();
}

void assertion_failed_msg(const char* expr, const char* msg, const char* function, const char* file,
                          long line) {
  std::fprintf(stderr, "%s:%ld: %s: assertion failed: %s (%s)\n", file, line, function, expr, msg);
  std::abort();
}

}  // namespace boost
