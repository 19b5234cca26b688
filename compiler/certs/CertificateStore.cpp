#include "certs/CertificateStore.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <system_error>

namespace meshc::certs {
namespace {

namespace fs = std::filesystem;

constexpr mode_t kKeyMode = 0600;
constexpr mode_t kPublicMode = 0644;

CertificateError systemError(const std::string& what, const fs::path& path) {
  return CertificateError(what + " " + path.string() + ": " + std::strerror(errno));
}

// Creates `path`, which must not exist, with exactly `mode` (whatever the umask), and its
// content on disk before it returns.
void writeNewFile(const fs::path& path, const std::string& content, mode_t mode) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) {
    if (errno == EEXIST) throw CertificateError("refusing to overwrite " + path.string());
    throw systemError("cannot create", path);
  }
  bool ok = ::fchmod(fd, mode) == 0;
  for (size_t written = 0; ok && written < content.size();) {
    const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) written += static_cast<size_t>(n);
  }
  ok = ok && ::fsync(fd) == 0;
  const int savedErrno = errno;
  ::close(fd);
  if (!ok) {
    errno = savedErrno;
    throw systemError("cannot write", path);
  }
}

std::string readFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw systemError("cannot read", path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

void createDirectories(const fs::path& path) {
  std::error_code ec;
  fs::create_directories(path, ec);
  if (ec) throw CertificateError("cannot create " + path.string() + ": " + ec.message());
}

// A new, empty version directory named after the time (a counter keeps two in one second apart).
fs::path newVersionDirectory(const fs::path& workloadDirectory) {
  std::string name = formatUtc(std::chrono::system_clock::now());
  std::erase(name, '-');
  std::erase(name, ':');
  for (int attempt = 1;; ++attempt) {
    const fs::path candidate =
        workloadDirectory / (attempt == 1 ? name : name + "." + std::to_string(attempt));
    if (::mkdir(candidate.c_str(), 0755) == 0) return candidate;
    if (errno != EEXIST) throw systemError("cannot create", candidate);
  }
}

}  // namespace

CertificateStore::CertificateStore(fs::path root, std::string trustDomain)
    : directory_(std::move(root) / std::move(trustDomain)) {}

void CertificateStore::initialize(const IssuedCertificate& ca) const {
  if (fs::exists(directory_ / "ca.key")) {
    throw CertificateError("the trust domain has a CA already, which is never overwritten: " +
                           (directory_ / "ca.key").string());
  }
  createDirectories(directory_);
  // The key first: its exclusive creation is what refuses a second CA made at the same time.
  writeNewFile(directory_ / "ca.key", ca.keyPem, kKeyMode);
  writeNewFile(directory_ / "ca.crt", ca.certificatePem, kPublicMode);
  writeNewFile(directory_ / "bundle.pem", ca.certificatePem, kPublicMode);
}

IssuedCertificate CertificateStore::authority() const {
  if (!fs::exists(directory_ / "ca.key")) {
    throw CertificateError("no CA in " + directory_.string() + " (meshc certs init creates it)");
  }
  return {readFile(directory_ / "ca.crt"), readFile(directory_ / "ca.key"), {}};
}

fs::path CertificateStore::workloadDirectory(const std::string& workload) const {
  return directory_ / "workloads" / workload;
}

std::optional<fs::path> CertificateStore::current(const std::string& workload) const {
  const fs::path link = workloadDirectory(workload) / "current";
  std::error_code ec;
  const fs::path target = fs::read_symlink(link, ec);
  if (ec) return std::nullopt;
  return workloadDirectory(workload) / target;
}

fs::path CertificateStore::install(const std::string& workload,
                                   const IssuedCertificate& certificate) const {
  const fs::path home = workloadDirectory(workload);
  createDirectories(home);
  const std::optional<fs::path> previous = current(workload);
  const fs::path version = newVersionDirectory(home);
  writeNewFile(version / "key.pem", certificate.keyPem, kKeyMode);
  writeNewFile(version / "cert.pem", certificate.certificatePem, kPublicMode);

  // Switch `current` with one rename of a link made beside it.
  const fs::path link = home / "current";
  const fs::path staged = home / "current.new";
  std::error_code ec;
  fs::remove(staged, ec);
  fs::create_directory_symlink(version.filename(), staged, ec);
  if (ec) throw CertificateError("cannot create " + staged.string() + ": " + ec.message());
  fs::rename(staged, link, ec);
  if (ec) throw CertificateError("cannot switch " + link.string() + ": " + ec.message());

  for (const fs::directory_entry& entry : fs::directory_iterator(home)) {
    if (entry.is_symlink() || !entry.is_directory()) continue;
    if (entry.path() == version || (previous && entry.path() == *previous)) continue;
    fs::remove_all(entry.path(), ec);
  }
  return version;
}

}  // namespace meshc::certs
