#include "request/PathNormalization.h"

#include "request/PercentEncoding.h"

namespace mesh {
namespace {

constexpr char kUpperHex[] = "0123456789ABCDEF";

// RFC 3986 §2.3: decoding these never changes what a URI means.
bool isUnreserved(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

enum class Escape { kDecode, kKeep, kReject };

Escape treatment(char decoded, EncodedSlashes encodedSlashes) {
  if (decoded == '/' || decoded == '\\') {
    switch (encodedSlashes) {
      case EncodedSlashes::kKeep:
        return Escape::kKeep;
      case EncodedSlashes::kDecode:
        return Escape::kDecode;
      case EncodedSlashes::kReject:
        return Escape::kReject;
    }
  }
  return isUnreserved(decoded) ? Escape::kDecode : Escape::kKeep;
}

// Before a decoded hex digit is appended: a '%' kept as received one or two places back must not
// form an escape with it ("%%41" would become "%A", which the next normalisation reads as an
// escape, and "%4%31" "%41"), so it becomes "%25", what it stood for.
void guardStrayPercent(std::string& out, size_t& strayPercent) {
  if (strayPercent == std::string::npos) return;
  const size_t after = out.size() - strayPercent - 1;
  if (after == 0 || (after == 1 && hexDigitValue(out.back()) >= 0)) {
    out.insert(strayPercent + 1, "25");
  }
  strayPercent = std::string::npos;
}

// Steps 1 to 3 in one pass from left to right, so each escape is looked at once: what decoding
// produces is never decoded again.
bool decode(std::string_view path, EncodedSlashes encodedSlashes, std::string& out) {
  size_t strayPercent = std::string::npos;
  for (size_t i = 0; i < path.size(); ++i) {
    const char c = path[i];
    const int high = c == '%' && i + 2 < path.size() ? hexDigitValue(path[i + 1]) : -1;
    const int low = high < 0 ? -1 : hexDigitValue(path[i + 2]);
    if (low < 0) {
      if (c == '%') strayPercent = out.size();
      out.push_back(c == '\\' ? '/' : c);
      continue;
    }
    i += 2;
    const char decoded = static_cast<char>(high * 16 + low);
    switch (treatment(decoded, encodedSlashes)) {
      case Escape::kDecode:
        if (hexDigitValue(decoded) >= 0) guardStrayPercent(out, strayPercent);
        // A decoded '\' is a backslash like any other: step 3 makes it '/'.
        out.push_back(decoded == '\\' ? '/' : decoded);
        break;
      case Escape::kKeep:
        out.push_back('%');
        out.push_back(kUpperHex[high]);
        out.push_back(kUpperHex[low]);
        break;
      case Escape::kReject:
        return false;
    }
  }
  return true;
}

// RFC 3986 §5.2.4 on a path that starts with '/', segment by segment and in place: what is
// written never outgrows what has been read.
void removeDotSegments(std::string& path) {
  size_t write = 0;
  for (size_t read = 0; read < path.size();) {
    const size_t next = path.find('/', read + 1);
    const size_t end = next == std::string::npos ? path.size() : next;
    const std::string_view segment(path.data() + read + 1, end - read - 1);
    const bool dots = segment == "." || segment == "..";
    if (segment == "..") {
      const size_t slash = std::string_view(path.data(), write).rfind('/');
      write = slash == std::string_view::npos ? 0 : slash;
    }
    if (!dots) {
      std::char_traits<char>::move(path.data() + write, path.data() + read, end - read);
      write += end - read;
    } else if (end == path.size()) {
      path[write++] = '/';  // "/a/b/.." is "/a/", a directory, not "/a"
    }
    read = end;
  }
  path.resize(write);
}

void mergeSlashes(std::string& path) {
  size_t write = 0;
  for (size_t read = 0; read < path.size(); ++read) {
    if (path[read] == '/' && write > 0 && path[write - 1] == '/') continue;
    path[write++] = path[read];
  }
  path.resize(write);
}

}  // namespace

PathOptions pathOptionsOf(const mesh_module& module) {
  PathOptions options;
  options.mergeSlashes = module.merge_slashes == 1;
  // checkModule() has refused any other value.
  if (module.encoded_slashes == MESH_ENCODED_SLASHES_DECODE) {
    options.encodedSlashes = EncodedSlashes::kDecode;
  } else if (module.encoded_slashes == MESH_ENCODED_SLASHES_REJECT) {
    options.encodedSlashes = EncodedSlashes::kReject;
  }
  return options;
}

bool normalizePath(std::string_view path, const PathOptions& options, std::string& out) {
  out.clear();
  if (!decode(path, options.encodedSlashes, out)) return false;
  removeDotSegments(out);
  if (options.mergeSlashes) mergeSlashes(out);
  return true;
}

}  // namespace mesh
