#include "core/SidecarOptions.h"

#include <CLI/CLI.hpp>
#include <thread>

namespace mesh {
namespace {

constexpr int kUsageError = 2;

std::string versionText(const mesh_module& module) {
  auto text = [](const char* s) { return std::string(s ? s : ""); };
  return "workload: " + text(module.workload) + "\npolicy_digest: " + text(module.policy_digest) +
         "\nmesh: " + text(module.mesh_name) +
         "\ncompiler_version: " + text(module.compiler_version) +
         "\nabi_version: " + std::to_string(module.abi_version);
}

// A CLI11 validator that accepts what parseHostPort accepts, with its explanation.
CLI::Validator hostPortValidator(PortRule rule) {
  return CLI::Validator(
      [rule](std::string& value) {
        std::string why;
        return parseHostPort(value, rule, &why) ? std::string() : "expected HOST:PORT: " + why;
      },
      "HOST:PORT");
}

}  // namespace

ParsedCommandLine parseCommandLine(int argc, char** argv, const mesh_module& module) {
  const std::string workload = module.workload ? module.workload : "?";
  CLI::App app{"meshc sidecar for workload " + workload};
  app.set_version_flag("--version", versionText(module));

  SidecarOptions options;
  options.workers = std::max(1u, std::thread::hardware_concurrency());
  std::string outbound = options.outbound.toString();
  std::string inbound = options.inbound.toString();
  std::string admin = options.admin.toString();
  std::string appAddress;
  app.add_option("--outbound", outbound, "outbound listener (the workload's calls); port 0 = any")
      ->check(hostPortValidator(PortRule::kAllowZero))
      ->capture_default_str();
  app.add_option("--inbound", inbound, "inbound listener (calls to the workload); port 0 = any")
      ->check(hostPortValidator(PortRule::kAllowZero))
      ->capture_default_str();
  app.add_option("--admin", admin, "admin server: /ready /stats /config; port 0 = any")
      ->check(hostPortValidator(PortRule::kAllowZero))
      ->capture_default_str();
  app.add_option("--app", appAddress,
                 "the local application inbound requests go to (default: 127.0.0.1:<port of the "
                 "workload's service>)")
      ->check(hostPortValidator(PortRule::kNonZero));
  app.add_option("--workers", options.workers, "worker threads")
      ->check(CLI::Range(1u, 1024u))
      ->capture_default_str();
  app.add_option("--endpoints", options.endpointsFile,
                 "static discovery file: lines of `CLUSTER HOST:PORT...`");
  app.add_option("--certs", options.certsDir,
                 "directory `meshc certs` writes: this workload's certificate and key, and the "
                 "trust bundle, for mutual TLS (loaded from <dir>/<trust domain>/...)")
      ->check(CLI::ExistingDirectory);
  app.add_option("--ready-file", options.readyFile,
                 "written once all listeners are bound: outbound=PORT, inbound=PORT, admin=PORT");
  app.add_option("--drain-timeout", options.drainTimeoutSeconds,
                 "seconds in-flight requests get after SIGTERM")
      ->check(CLI::Range(0.0, 86400.0))
      ->capture_default_str();
  app.add_option("--stream-idle-timeout", options.streamIdleTimeoutSeconds,
                 "seconds an in-flight request may go with no body bytes moving either way and no "
                 "response header arriving (where a route timeout is set, it bounds that wait)")
      ->check(CLI::Range(0.001, 86400.0))
      ->capture_default_str();
  app.add_option("--max-request-headers", options.maxRequestHeaders,
                 "header fields a request may have; more get 431")
      ->check(CLI::Range(1u, 10000u))
      ->capture_default_str();
  app.add_option("--log-level", options.logLevel, "log level")
      ->check(CLI::IsMember({"trace", "debug", "info", "warn", "error", "critical", "off"}))
      ->capture_default_str();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return {std::nullopt, code == 0 ? 0 : kUsageError};
  }

  options.outbound = *parseHostPort(outbound, PortRule::kAllowZero, nullptr);
  options.inbound = *parseHostPort(inbound, PortRule::kAllowZero, nullptr);
  options.admin = *parseHostPort(admin, PortRule::kAllowZero, nullptr);
  if (!appAddress.empty()) {
    options.app = parseHostPort(appAddress, PortRule::kNonZero, nullptr);
  } else if (module.local_service >= 0) {
    const mesh_service& local = module.services[module.local_service];
    if (local.port > 0 && local.port <= 65535) {
      options.app = HostPort{"127.0.0.1", static_cast<uint16_t>(local.port)};
    }
  }
  return {std::move(options), 0};
}

}  // namespace mesh
