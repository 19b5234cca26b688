// The ahead-of-time path: the object file's symbols, that it links alone, and the determinism of
// --emit=llvm. (The differential tests run the object's code against the evaluator.)

#include <elf.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <regex>
#include <string>
#include <vector>

#include "LinkedModule.h"
#include "TestPolicies.h"
#include "codegen/Codegen.h"

namespace meshc::codegen::testing {
namespace {

namespace fs = std::filesystem;

class ScratchDir {
 public:
  ScratchDir()
      : path_(fs::temp_directory_path() / ("meshc-codegen-test-" + std::to_string(::getpid()))) {
    fs::create_directories(path_);
  }
  ~ScratchDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  fs::path operator/(const std::string& name) const { return path_ / name; }

 private:
  fs::path path_;
};

struct ElfSymbols {
  std::vector<std::string> definedGlobals;
  std::vector<std::string> undefined;
  bool descriptorIsObject = false;
};

std::vector<char> readFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

template <class T>
T readAt(const std::vector<char>& bytes, uint64_t offset) {
  T value;
  if (offset + sizeof(T) > bytes.size()) throw std::runtime_error("ELF read out of bounds");
  std::memcpy(&value, bytes.data() + offset, sizeof(T));
  return value;
}

// A small ELF64 reader: enough to list the symbol table without depending on LLVM or binutils.
ElfSymbols readSymbols(const std::vector<char>& bytes, Elf64_Ehdr& header) {
  header = readAt<Elf64_Ehdr>(bytes, 0);
  ElfSymbols symbols;
  for (uint16_t i = 0; i < header.e_shnum; ++i) {
    const auto section =
        readAt<Elf64_Shdr>(bytes, header.e_shoff + uint64_t{i} * header.e_shentsize);
    if (section.sh_type != SHT_SYMTAB) continue;
    const auto strings =
        readAt<Elf64_Shdr>(bytes, header.e_shoff + uint64_t{section.sh_link} * header.e_shentsize);
    for (uint64_t s = 1; s < section.sh_size / sizeof(Elf64_Sym); ++s) {
      const auto symbol = readAt<Elf64_Sym>(bytes, section.sh_offset + s * sizeof(Elf64_Sym));
      const std::string name(bytes.data() + strings.sh_offset + symbol.st_name);
      const unsigned type = ELF64_ST_TYPE(symbol.st_info);
      if (type == STT_SECTION || type == STT_FILE) continue;
      if (symbol.st_shndx == SHN_UNDEF) {
        symbols.undefined.push_back(name);
      } else if (ELF64_ST_BIND(symbol.st_info) == STB_GLOBAL) {
        symbols.definedGlobals.push_back(name);
        if (name == "mesh_policy_module") symbols.descriptorIsObject = type == STT_OBJECT;
      }
    }
  }
  return symbols;
}

class ObjectEmission : public ::testing::TestWithParam<std::pair<std::string, ir::Module>> {
 protected:
  ScratchDir dir_;
};

TEST_P(ObjectEmission, DefinesOnlyTheDescriptorAndNeedsNoSymbols) {
  const fs::path object = dir_ / (GetParam().first + ".o");
  emitObject(GetParam().second, object.string());
  const std::vector<char> bytes = readFile(object);
  ASSERT_GE(bytes.size(), sizeof(Elf64_Ehdr));
  ASSERT_EQ(std::memcmp(bytes.data(), ELFMAG, SELFMAG), 0) << "not an ELF file";
  ASSERT_EQ(bytes[EI_CLASS], ELFCLASS64);

  Elf64_Ehdr header;
  const ElfSymbols symbols = readSymbols(bytes, header);
  EXPECT_EQ(header.e_type, ET_REL);
#if defined(__x86_64__)
  EXPECT_EQ(header.e_machine, EM_X86_64);
#endif
  EXPECT_EQ(symbols.definedGlobals, std::vector<std::string>{"mesh_policy_module"});
  EXPECT_TRUE(symbols.descriptorIsObject);
  EXPECT_TRUE(symbols.undefined.empty())
      << "undefined: " << ::testing::PrintToString(symbols.undefined);
}

// Linking it alone into a shared library proves it position-independent and self-contained; the
// differential tests run its code (LinkedModule).
TEST_P(ObjectEmission, LinksAloneAndLoadsWithThisAbiVersion) {
  const std::unique_ptr<LinkedModule> linked = LinkedModule::create(GetParam().second);
  EXPECT_EQ(linked->module().abi_version, MESH_ABI_VERSION);
}

INSTANTIATE_TEST_SUITE_P(Codegen, ObjectEmission, ::testing::ValuesIn(allPolicies()),
                         [](const auto& info) { return info.param.first; });

TEST(ObjectEmissionErrors, UnwritablePathThrows) {
  EXPECT_THROW(emitObject(hostsPolicy(), "/nonexistent-dir/policy.o"), CodegenError);
}

TEST(LlvmIr, OutputIsDeterministic) {
  for (const bool optimized : {false, true}) {
    SCOPED_TRACE(optimized ? "optimized" : "unoptimized");
    const std::string first = emitLlvmIr(headersPolicy(), optimized);
    EXPECT_EQ(first, emitLlvmIr(headersPolicy(), optimized));
    EXPECT_TRUE(
        std::regex_search(first, std::regex("@mesh_policy_module = .*constant %mesh_module")));
    EXPECT_NE(first.find("define internal i32 @mesh_route("), std::string::npos);
  }
}

// String comparisons are inline loads: no memcmp or bcmp (LLVM intrinsics such as llvm.memset
// for merged stores are lowered inline by the code generator and are allowed).
TEST(LlvmIr, OptimizedRouteCallsNoFunction) {
  const std::regex externalCall("(call|declare) [^@\\n]*@(?!llvm\\.)");
  for (const auto& [name, policy] : allPolicies()) {
    SCOPED_TRACE(name);
    std::smatch found;
    const std::string ir = emitLlvmIr(policy, /*optimized=*/true);
    EXPECT_FALSE(std::regex_search(ir, found, externalCall)) << found.str();
  }
}

}  // namespace
}  // namespace meshc::codegen::testing
