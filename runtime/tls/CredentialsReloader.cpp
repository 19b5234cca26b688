#include "tls/CredentialsReloader.h"

#include <fmt/chrono.h>
#include <spdlog/spdlog.h>

#include <filesystem>

namespace mesh {
namespace {

constexpr auto kExpiryCheckInterval = std::chrono::minutes(1);

std::string utc(TlsCredentials::Clock::time_point time) {
  return fmt::format("{:%Y-%m-%d %H:%M:%S} UTC", std::chrono::floor<std::chrono::seconds>(time));
}

}  // namespace

CredentialsReloader::CredentialsReloader(boost::asio::io_context& control, SidecarState& state,
                                         std::string root)
    : control_(control), state_(state), root_(std::move(root)), expiryTimer_(control) {}

void CredentialsReloader::start() {
  const std::filesystem::path domain = std::filesystem::path(root_) / state_.module.trust_domain;
  // `current` is switched by a rename in the workload's directory, which is what FileWatch
  // watches; the bundle is replaced in the trust domain's.
  watch((domain / "workloads" / state_.module.workload / "current").string());
  watch((domain / "bundle.pem").string());
  checkExpiry();
}

void CredentialsReloader::watch(const std::string& path) {
  try {
    watches_.push_back(std::make_unique<FileWatch>(
        control_, path, [this] { reload("certificate files changed"); }));
    watches_.back()->start();
  } catch (const std::exception& e) {
    spdlog::warn("not watching {} ({}): SIGHUP reloads the certificate", path, e.what());
  }
}

void CredentialsReloader::reload(std::string_view why) {
  const std::shared_ptr<const TlsCredentials> current = state_.credentials();
  std::shared_ptr<const TlsCredentials> loaded;
  try {
    loaded = std::make_shared<const TlsCredentials>(
        certificateFilesIn(root_, state_.module.trust_domain, state_.module.workload),
        state_.module.principal, state_.module.trust_domain);
  } catch (const std::exception& e) {
    spdlog::error("{}: keeping the certificate in use ({}): {}", why,
                  current ? current->files().certificate : std::string("none"), e.what());
    return;
  }
  // The watches wake for any file of their directories; the same files change nothing.
  if (current && loaded->files().certificate == current->files().certificate &&
      loaded->bundle() == current->bundle()) {
    return;
  }
  state_.publishCredentials(loaded);
  notice_ = ExpiryNotice::kNone;
  spdlog::info("{}: new connections use {} (until {})", why, loaded->files().certificate,
               utc(loaded->notAfter()));
  checkExpiry();
}

void CredentialsReloader::scheduleExpiryCheck() {
  expiryTimer_.expires_after(kExpiryCheckInterval);
  expiryTimer_.async_wait([this](const boost::system::error_code& ec) {
    if (!ec) checkExpiry();
  });
}

void CredentialsReloader::checkExpiry() {
  const std::shared_ptr<const TlsCredentials> credentials = state_.credentials();
  const auto now = TlsCredentials::Clock::now();
  // cert-manager renews at two thirds of a certificate's life: a third left and no new one yet
  // means rotation is late.
  const auto lifetime = credentials->notAfter() - credentials->notBefore();
  if (now >= credentials->notAfter()) {
    if (notice_ != ExpiryNotice::kExpired) {
      spdlog::error(
          "the certificate {} expired at {}: peers refuse new connections; "
          "`meshc certs rotate` issues a new one",
          credentials->files().certificate, utc(credentials->notAfter()));
      notice_ = ExpiryNotice::kExpired;
    }
  } else if (now >= credentials->notAfter() - lifetime / 3 && notice_ == ExpiryNotice::kNone) {
    spdlog::warn(
        "the certificate {} expires at {}, in less than a third of its lifetime; "
        "`meshc certs rotate` issues a new one",
        credentials->files().certificate, utc(credentials->notAfter()));
    notice_ = ExpiryNotice::kNearing;
  }
  expiryTimer_.cancel();
  scheduleExpiryCheck();
}

}  // namespace mesh
