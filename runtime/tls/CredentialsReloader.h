#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/FileWatch.h"
#include "core/SidecarState.h"
#include "tls/TlsCredentials.h"

namespace mesh {

// Keeps a sidecar's credentials current, on the main thread: reloads them when `meshc certs
// rotate` switches the workload's `current` link or the trust bundle changes (and on reload()),
// and warns in the log when the certificate in use nears its expiry. Connections keep the
// credentials they started with; new ones take the latest. A reload that fails keeps the ones in
// use, and says why.
class CredentialsReloader {
 public:
  CredentialsReloader(boost::asio::io_context& control, SidecarState& state, std::string root);

  // Starts the watches and the expiry check; a watch that cannot start is logged, and reload()
  // (SIGHUP) still works.
  void start();
  void reload(std::string_view why);

 private:
  void watch(const std::string& path);
  void scheduleExpiryCheck();
  void checkExpiry();

  boost::asio::io_context& control_;
  SidecarState& state_;
  const std::string root_;
  std::vector<std::unique_ptr<FileWatch>> watches_;
  boost::asio::steady_timer expiryTimer_;
  // What the log has said about the certificate in use, so each warning comes once.
  enum class ExpiryNotice { kNone, kNearing, kExpired } notice_ = ExpiryNotice::kNone;
};

}  // namespace mesh
