#pragma once

// Comparisons of request bytes against the policy's constant strings, as straight-line code:
// unaligned 8/4/2/1-byte loads compared with integer constants, never a call to memcmp.

#include <llvm/IR/IRBuilder.h>

#include <string_view>

namespace meshc::codegen {

// Whether the `constant.size()` bytes at `data` equal `constant` (an i1). The caller has already
// checked that that many bytes exist.
llvm::Value* emitBytesEqual(llvm::IRBuilder<>& builder, llvm::Value* data,
                            std::string_view constant);

enum class MatchKind { kExact, kPrefix, kSuffix };

// Continues in a new block when the string (`data`, `len`) equals (kExact), starts with (kPrefix)
// or ends with (kSuffix) `constant`; jumps to `fail` otherwise. The length is tested first, so no
// byte beyond `len` is ever read; a string of length 0 may have a null `data`.
void emitStringTest(llvm::IRBuilder<>& builder, llvm::Value* data, llvm::Value* len,
                    std::string_view constant, MatchKind kind, llvm::BasicBlock* fail,
                    const llvm::Twine& name);

// A test that cannot fail emits nothing.
inline bool alwaysMatches(std::string_view constant, MatchKind kind) {
  return kind != MatchKind::kExact && constant.empty();
}

}  // namespace meshc::codegen
