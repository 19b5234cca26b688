#include "http/HeaderEdits.h"

namespace mesh {

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
