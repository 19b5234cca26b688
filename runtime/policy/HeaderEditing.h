#pragma once

#include <span>

#include "policy/ActionConfigs.h"

namespace mesh {

// Applies `edits` to `fields` in order: SET replaces every field of the name (or adds one), ADD
// appends a field, REMOVE deletes every field of the name. Edits of sidecar-owned names are
// skipped. A template over the header container, with no Boost here, so the sidecar edits its
// Beast messages and `meshc test` its model of them with this one implementation. `Fields` has
// Beast's meaning of set(name, value), insert(name, value) and erase(name), names
// case-insensitive.
template <typename Fields>
void applyHeaderEdits(Fields& fields, std::span<const HeaderEdit> edits) {
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
