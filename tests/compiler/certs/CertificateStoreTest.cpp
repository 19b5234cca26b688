// The certificate directory: permissions, never overwriting a key, and the switch of `current`.

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <sstream>

#include "certs/CertificateStore.h"

namespace meshc::certs {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

class CertificateStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    root_ = fs::temp_directory_path() / ("meshc-certs-test-" + std::to_string(::getpid()));
    fs::remove_all(root_);
    ca_ = createMeshCa("mesh.test", 24h);
  }
  void TearDown() override { fs::remove_all(root_); }

  static mode_t modeOf(const fs::path& path) {
    struct stat info {};
    EXPECT_EQ(::stat(path.c_str(), &info), 0) << path;
    return info.st_mode & 07777;
  }
  static ino_t inodeOf(const fs::path& path) {
    struct stat info {};
    EXPECT_EQ(::stat(path.c_str(), &info), 0) << path;
    return info.st_ino;
  }
  static std::string read(const fs::path& path) {
    std::ifstream in(path);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
  }

  fs::path root_;
  IssuedCertificate ca_;
};

TEST_F(CertificateStoreTest, KeysAreReadableByTheOwnerOnlyWhateverTheUmask) {
  const mode_t previous = ::umask(0);
  const CertificateStore store(root_, "mesh.test");
  store.initialize(ca_);
  const fs::path version = store.install(
      "cart-v1",
      issueWorkloadCertificate(ca_, "spiffe://mesh.test/ns/default/sa/cart", "cart-v1", 1h));
  ::umask(previous);
  EXPECT_EQ(modeOf(root_ / "mesh.test" / "ca.key"), 0600u);
  EXPECT_EQ(modeOf(root_ / "mesh.test" / "ca.crt"), 0644u);
  EXPECT_EQ(read(root_ / "mesh.test" / "bundle.pem"), ca_.certificatePem);
  EXPECT_EQ(modeOf(version / "key.pem"), 0600u);
  EXPECT_EQ(modeOf(version / "cert.pem"), 0644u);
}

TEST_F(CertificateStoreTest, ASecondCaIsRefusedAndTheFirstKept) {
  const CertificateStore store(root_, "mesh.test");
  store.initialize(ca_);
  EXPECT_THROW(store.initialize(createMeshCa("mesh.test", 24h)), CertificateError);
  EXPECT_EQ(read(root_ / "mesh.test" / "ca.key"), ca_.keyPem);
  EXPECT_EQ(store.authority().keyPem, ca_.keyPem);
  EXPECT_EQ(store.authority().certificatePem, ca_.certificatePem);
}

TEST_F(CertificateStoreTest, WithoutACaThereIsNoAuthority) {
  EXPECT_THROW(CertificateStore(root_, "mesh.test").authority(), CertificateError);
}

TEST_F(CertificateStoreTest, RotationSwitchesCurrentAndNeverTouchesTheOldKey) {
  const CertificateStore store(root_, "mesh.test");
  const auto issue = [&] {
    return issueWorkloadCertificate(ca_, "spiffe://mesh.test/ns/default/sa/cart", "cart-v1", 1h);
  };
  EXPECT_FALSE(store.current("cart-v1"));
  const fs::path first = store.install("cart-v1", issue());
  ASSERT_EQ(store.current("cart-v1"), first);
  const std::string firstKey = read(first / "key.pem");
  const ino_t firstInode = inodeOf(first / "key.pem");

  const fs::path second = store.install("cart-v1", issue());
  EXPECT_NE(second, first);
  EXPECT_EQ(store.current("cart-v1"), second);
  EXPECT_EQ(fs::read_symlink(root_ / "mesh.test" / "workloads" / "cart-v1" / "current"),
            second.filename());
  EXPECT_NE(read(second / "key.pem"), firstKey);
  // The previous version stays as it was, for connections still using it.
  EXPECT_EQ(read(first / "key.pem"), firstKey);
  EXPECT_EQ(inodeOf(first / "key.pem"), firstInode);

  const fs::path third = store.install("cart-v1", issue());
  EXPECT_EQ(store.current("cart-v1"), third);
  EXPECT_TRUE(fs::exists(second / "key.pem"));
  EXPECT_FALSE(fs::exists(first)) << "versions before the previous one are removed";
  EXPECT_FALSE(fs::exists(root_ / "mesh.test" / "workloads" / "cart-v1" / "current.new"));
}

}  // namespace
}  // namespace meshc::certs
