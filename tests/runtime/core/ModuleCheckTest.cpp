#include <gtest/gtest.h>

#include "TestModule.h"
#include "core/ModuleCheck.h"

namespace mesh {
namespace {

TEST(ModuleCheck, AcceptsAWellFormedModule) {
  const TestModule module;
  EXPECT_EQ(checkModule(module.module), "");
}

TEST(ModuleCheck, RefusesAnotherAbiVersionFirst) {
  TestModule module;
  module.module.abi_version = MESH_ABI_VERSION + 1;
  module.module.route = nullptr;  // must not matter: nothing else is read
  EXPECT_NE(checkModule(module.module)
                .find("built for runtime ABI version 2, this runtime "
                      "implements version 1"),
            std::string::npos);
}

TEST(ModuleCheck, RefusesBrokenTables) {
  {
    TestModule module;
    module.module.route = nullptr;
    EXPECT_EQ(checkModule(module.module), "the policy module has no route function");
  }
  {
    TestModule module;
    module.clusters[1].service_index = 5;
    EXPECT_EQ(checkModule(module.module), "cluster reviews.v2 names service 5 of 2");
  }
  {
    TestModule module;
    module.module.local_cluster = 2;
    EXPECT_EQ(checkModule(module.module), "local_cluster 2 is out of range");
  }
}

}  // namespace
}  // namespace mesh
