#include "codegen/HeaderScan.h"

#include <map>

#include "codegen/StringMatch.h"

namespace meshc::codegen {

std::vector<llvm::Value*> emitHeaderScan(llvm::IRBuilder<>& builder, const AbiTypes& types,
                                         llvm::Value* request, ScannedList list,
                                         const std::vector<std::string>& names,
                                         const std::string& prefix) {
  const bool headerList = list == ScannedList::kHeaders;
  const unsigned arrayField = headerList ? request_field::kHeaders : request_field::kQueryParams;
  const unsigned countField =
      headerList ? request_field::kHeaderCount : request_field::kQueryParamCount;
  llvm::LLVMContext& context = builder.getContext();
  llvm::Function* function = builder.GetInsertBlock()->getParent();
  llvm::PointerType* headerPtrType = types.header->getPointerTo();
  llvm::Constant* absent = llvm::ConstantPointerNull::get(headerPtrType);

  // Slots live in the entry block so that SROA turns them into SSA values.
  llvm::IRBuilder<> entry(&function->getEntryBlock(), function->getEntryBlock().begin());
  std::vector<llvm::AllocaInst*> slots;
  for (size_t k = 0; k < names.size(); ++k) {
    slots.push_back(
        entry.CreateAlloca(headerPtrType, nullptr, prefix + ".first" + std::to_string(k)));
    builder.CreateStore(absent, slots.back());
  }

  llvm::Value* headers =
      builder.CreateLoad(headerPtrType, builder.CreateStructGEP(types.request, request, arrayField),
                         prefix + ".headers");
  llvm::Value* count = builder.CreateLoad(
      builder.getInt64Ty(), builder.CreateStructGEP(types.request, request, countField),
      prefix + ".count");
  llvm::BasicBlock* preheader = builder.GetInsertBlock();
  llvm::BasicBlock* loop = llvm::BasicBlock::Create(context, prefix + ".scan", function);
  llvm::BasicBlock* body = llvm::BasicBlock::Create(context, prefix + ".scan.body", function);
  llvm::BasicBlock* latch = llvm::BasicBlock::Create(context, prefix + ".scan.next");
  llvm::BasicBlock* done = llvm::BasicBlock::Create(context, prefix + ".scan.done");
  builder.CreateBr(loop);

  builder.SetInsertPoint(loop);
  llvm::PHINode* index = builder.CreatePHI(builder.getInt64Ty(), 2, prefix + ".i");
  index->addIncoming(builder.getInt64(0), preheader);
  builder.CreateCondBr(builder.CreateICmpULT(index, count), body, done);

  builder.SetInsertPoint(body);
  llvm::Value* header = builder.CreateInBoundsGEP(types.header, headers, index, prefix + ".h");
  llvm::Value* nameField = builder.CreateStructGEP(types.header, header, header_field::kName);
  llvm::Value* nameLen = builder.CreateLoad(
      builder.getInt64Ty(), builder.CreateStructGEP(types.str, nameField, str_field::kLen),
      prefix + ".name.len");

  std::map<size_t, std::vector<size_t>> byLength;  // ordered, so the IR is deterministic
  for (size_t k = 0; k < names.size(); ++k) byLength[names[k].size()].push_back(k);
  llvm::SwitchInst* lengthSwitch = builder.CreateSwitch(nameLen, latch, byLength.size());

  for (const auto& [length, candidates] : byLength) {
    const std::string lengthName = prefix + ".len" + std::to_string(length);
    llvm::BasicBlock* lengthBlock = llvm::BasicBlock::Create(context, lengthName, function);
    lengthSwitch->addCase(builder.getInt64(length), lengthBlock);
    builder.SetInsertPoint(lengthBlock);
    llvm::Value* nameData =
        length == 0
            ? nullptr
            : builder.CreateLoad(builder.getInt8PtrTy(),
                                 builder.CreateStructGEP(types.str, nameField, str_field::kData),
                                 prefix + ".name.data");
    for (size_t c = 0; c < candidates.size(); ++c) {
      const size_t k = candidates[c];
      llvm::BasicBlock* found =
          llvm::BasicBlock::Create(context, prefix + ".found" + std::to_string(k), function);
      llvm::BasicBlock* nextCandidate = latch;
      if (length == 0) {
        builder.CreateBr(found);  // names are distinct: only one can have length 0
      } else {
        if (c + 1 < candidates.size()) {
          nextCandidate =
              llvm::BasicBlock::Create(context, lengthName + "." + std::to_string(c + 1));
        }
        builder.CreateCondBr(emitBytesEqual(builder, nameData, names[k]), found, nextCandidate);
      }
      builder.SetInsertPoint(found);
      llvm::Value* seen = builder.CreateLoad(headerPtrType, slots[k]);
      llvm::Value* isFirst = builder.CreateICmpEQ(seen, absent);
      builder.CreateStore(builder.CreateSelect(isFirst, header, seen), slots[k]);
      builder.CreateBr(latch);
      if (nextCandidate != latch) {
        nextCandidate->insertInto(function);
        builder.SetInsertPoint(nextCandidate);
      }
    }
  }

  latch->insertInto(function);
  builder.SetInsertPoint(latch);
  llvm::Value* next = builder.CreateAdd(index, builder.getInt64(1), prefix + ".i.next");
  index->addIncoming(next, latch);
  builder.CreateBr(loop);

  done->insertInto(function);
  builder.SetInsertPoint(done);
  std::vector<llvm::Value*> firstOccurrences;
  for (size_t k = 0; k < names.size(); ++k) {
    firstOccurrences.push_back(
        builder.CreateLoad(headerPtrType, slots[k], prefix + ".hdr" + std::to_string(k)));
  }
  return firstOccurrences;
}

}  // namespace meshc::codegen
