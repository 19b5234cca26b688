#include "http/HeaderEdits.h"

#include <array>

namespace mesh {

bool isSidecarOwnedHeader(std::string_view name) {
  static constexpr std::array<std::string_view, 10> kOwned = {
      "host", "content-length", "transfer-encoding", "connection", "keep-alive", "proxy-connection",
      "te",   "trailer",        "upgrade",           "expect"};
  for (std::string_view owned : kOwned) {
    if (name == owned) return true;
  }
  return false;
}

void applyHeaderEdits(boost::beast::http::fields& fields, std::span<const HeaderEdit> edits) {
  for (const HeaderEdit& edit : edits) {
    if (isSidecarOwnedHeader(edit.name)) continue;
    switch (edit.op) {
      case HeaderEdit::Op::kSet:
        fields.set(edit.name, edit.value);
        break;
      case HeaderEdit::Op::kAdd:
        fields.insert(edit.name, edit.value);
        break;
      case HeaderEdit::Op::kRemove:
        fields.erase(edit.name);
        break;
    }
  }
}

}  // namespace mesh
