#include "codegen/StringMatch.h"

#include <llvm/IR/Module.h>

#include <cstdint>
#include <vector>

namespace meshc::codegen {
namespace {

struct Chunk {
  uint64_t offset;
  unsigned width;  // bytes: 1, 2, 4 or 8
};

// Covers [0, n) with as few power-of-two loads as possible; the last load may overlap the one
// before it (e.g. 13 bytes: 8 at 0 and 8 at 5), which is cheaper than a 4+1 tail.
std::vector<Chunk> planLoads(uint64_t n) {
  std::vector<Chunk> chunks;
  if (n >= 8) {
    for (uint64_t offset = 0; offset + 8 <= n; offset += 8) chunks.push_back({offset, 8});
    if (n % 8 != 0) chunks.push_back({n - 8, 8});
  } else if (n == 1 || n == 2 || n == 4) {
    chunks.push_back({0, static_cast<unsigned>(n)});
  } else if (n == 3) {
    chunks.push_back({0, 2});
    chunks.push_back({1, 2});
  } else if (n > 4) {
    chunks.push_back({0, 4});
    chunks.push_back({n - 4, 4});
  }
  return chunks;
}

// The integer a `width`-byte load of `bytes` yields on the target.
uint64_t chunkValue(std::string_view bytes, bool littleEndian) {
  uint64_t value = 0;
  for (size_t i = 0; i < bytes.size(); ++i) {
    const uint64_t byte = static_cast<unsigned char>(bytes[i]);
    const size_t shift = littleEndian ? i : bytes.size() - 1 - i;
    value |= byte << (8 * shift);
  }
  return value;
}

}  // namespace

llvm::Value* emitBytesEqual(llvm::IRBuilder<>& builder, llvm::Value* data,
                            std::string_view constant) {
  llvm::LLVMContext& context = builder.getContext();
  const bool littleEndian = builder.GetInsertBlock()->getModule()->getDataLayout().isLittleEndian();
  llvm::Type* i64 = builder.getInt64Ty();

  const std::vector<Chunk> chunks = planLoads(constant.size());
  if (chunks.empty()) return builder.getTrue();

  // One branch per string: differences of all chunks are or-ed together.
  llvm::Value* difference = nullptr;
  for (const Chunk& chunk : chunks) {
    llvm::IntegerType* type = llvm::IntegerType::get(context, chunk.width * 8);
    llvm::Value* address =
        builder.CreateConstInBoundsGEP1_64(builder.getInt8Ty(), data, chunk.offset);
    llvm::Value* typed = builder.CreateBitCast(address, type->getPointerTo());
    llvm::Value* loaded = builder.CreateAlignedLoad(type, typed, llvm::Align(1));
    llvm::Value* expected = llvm::ConstantInt::get(
        type, chunkValue(constant.substr(chunk.offset, chunk.width), littleEndian));
    if (chunks.size() == 1) return builder.CreateICmpEQ(loaded, expected);
    llvm::Value* bits = builder.CreateZExt(builder.CreateXor(loaded, expected), i64);
    difference = difference == nullptr ? bits : builder.CreateOr(difference, bits);
  }
  return builder.CreateICmpEQ(difference, llvm::ConstantInt::get(i64, 0));
}

void emitStringTest(llvm::IRBuilder<>& builder, llvm::Value* data, llvm::Value* len,
                    std::string_view constant, MatchKind kind, llvm::BasicBlock* fail,
                    const llvm::Twine& name) {
  if (alwaysMatches(constant, kind)) return;
  llvm::Function* function = builder.GetInsertBlock()->getParent();
  llvm::LLVMContext& context = builder.getContext();

  llvm::Value* expectedLen = builder.getInt64(constant.size());
  llvm::Value* lengthOk = kind == MatchKind::kExact ? builder.CreateICmpEQ(len, expectedLen)
                                                    : builder.CreateICmpUGE(len, expectedLen);
  llvm::BasicBlock* passed = llvm::BasicBlock::Create(context, name + ".ok", function);
  if (constant.empty()) {
    builder.CreateCondBr(lengthOk, passed, fail);
    builder.SetInsertPoint(passed);
    return;
  }
  llvm::BasicBlock* bytes = llvm::BasicBlock::Create(context, name + ".bytes", function, passed);
  builder.CreateCondBr(lengthOk, bytes, fail);
  builder.SetInsertPoint(bytes);
  llvm::Value* start =
      kind == MatchKind::kSuffix
          ? builder.CreateInBoundsGEP(builder.getInt8Ty(), data,
                                      builder.CreateSub(len, expectedLen), name + ".tail")
          : data;
  builder.CreateCondBr(emitBytesEqual(builder, start, constant), passed, fail);
  builder.SetInsertPoint(passed);
}

}  // namespace meshc::codegen
