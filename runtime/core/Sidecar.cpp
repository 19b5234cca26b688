#include "core/Sidecar.h"

#include <fmt/chrono.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <csignal>
#include <memory>
#include <optional>
#include <string_view>
#include <vector>

#include "admin/AdminServer.h"
#include "core/FileWatch.h"
#include "core/Listener.h"
#include "core/ReadyFile.h"
#include "core/SidecarState.h"
#include "core/Worker.h"
#include "http/Router.h"
#include "tls/CredentialsReloader.h"
#include "tls/MtlsPlan.h"
#include "tls/TlsCredentials.h"
#include "upstream/EndpointsFile.h"

namespace mesh {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

constexpr int kConfigError = 2;
constexpr int kStartError = 1;

std::string describeListenFailure(const boost::system::error_code& ec) {
  if (ec == asio::error::address_in_use) return "the port is in use by another process";
  return ec.message();
}

// The entries of an endpoints file's text for this workload. The file may serve the whole mesh:
// one line names the clusters it lists that the workload does not use, so a misspelt one shows.
std::vector<EndpointsFileEntry> endpointsFor(const mesh_module& module, const std::string& path,
                                             std::string_view text) {
  std::vector<std::string> ignored;
  std::vector<EndpointsFileEntry> entries =
      parseEndpointsFile(text, path, ClusterTable::clusterNames(module), &ignored);
  if (!ignored.empty()) {
    spdlog::info("{}: ignoring {} cluster(s) this workload does not use: {}", path, ignored.size(),
                 fmt::join(ignored, ", "));
  }
  return entries;
}

// What made the sidecar read its endpoints file again.
enum class ReloadTrigger { kSignal, kFileChange };

std::string_view describe(ReloadTrigger trigger) {
  switch (trigger) {
    case ReloadTrigger::kSignal:
      return "SIGHUP";
    case ReloadTrigger::kFileChange:
      return "endpoints file changed";
  }
  return "reload";
}

MetricLabels metricLabels(const SidecarState& state) {
  MetricLabels labels;
  labels.workload = state.module.workload;
  for (const Cluster& cluster : state.clusters()->clusters()) {
    labels.clusters.push_back({cluster.service, cluster.subset, cluster.name});
  }
  for (const VariantLabel& variant : state.rules.variants()) {
    labels.variants.push_back({std::string(variant.experiment), std::string(variant.variant)});
  }
  return labels;
}

// Owns everything the process runs, in an order that lets it be torn down safely: the workers
// (and their threads) go before the routers, state and shards they point into.
class Sidecar {
 public:
  Sidecar(const SidecarOptions& options, std::unique_ptr<SidecarState> state, EndpointIds ids,
          std::string endpointsText)
      : options_(options),
        state_(std::move(state)),
        endpointIds_(std::move(ids)),
        endpointsText_(std::move(endpointsText)),
        outboundRouter_(makeOutboundRouter(*state_)),
        inboundRouter_(state_->clusters()->app() ? makeInboundRouter(*state_) : nullptr),
        signals_(control_, SIGTERM, SIGINT),
        reloadSignal_(control_, SIGHUP),
        drainTimer_(control_) {
    for (unsigned i = 0; i < options.workers; ++i) {
      shards_.push_back(std::make_unique<StatsShard>(state_->module.cluster_count));
      workers_.push_back(std::make_unique<Worker>(i, *state_, *shards_.back()));
    }
  }

  int run() {
    std::string ports;
    try {
      ports +=
          fmt::format("outbound={}\n", listenOnAllWorkers(options_.outbound, *outboundRouter_));
      if (inboundRouter_) {
        ports += fmt::format("inbound={}\n", listenOnAllWorkers(options_.inbound, *inboundRouter_));
      }
      AdminSources sources{*state_, {}, metricLabels(*state_)};
      for (const auto& shard : shards_) sources.shards.push_back(shard.get());
      admin_ = openAdminServer(std::move(sources));
      ports += fmt::format("admin={}\n", admin_->port());
    } catch (const std::exception& e) {
      spdlog::error("cannot start: {}", e.what());
      return kStartError;
    }
    if (!options_.readyFile.empty()) {
      try {
        writeFileAtomically(options_.readyFile, ports);
      } catch (const std::exception& e) {
        spdlog::error("{}", e.what());
        return kStartError;
      }
    }
    logStart(ports);

    admin_->start();
    runningWorkers_ = workers_.size();
    for (auto& worker : workers_) {
      worker->start([this] { asio::post(control_, [this] { onWorkerExit(); }); });
    }
    waitForSignal();
    waitForReload();
    watchEndpointsFile();
    if (state_->credentials()) {
      credentialsReloader_ =
          std::make_unique<CredentialsReloader>(control_, *state_, options_.certsDir);
      credentialsReloader_->start();
    }
    control_.run();
    workers_.clear();  // joins the threads
    return 0;
  }

 private:
  tcp::endpoint resolve(const HostPort& address) {
    boost::system::error_code ec;
    const asio::ip::address ip = asio::ip::make_address(address.host, ec);
    if (!ec) return tcp::endpoint(ip, address.port);
    tcp::resolver resolver(control_);
    const auto results =
        resolver.resolve(address.host, std::to_string(address.port), tcp::resolver::passive, ec);
    if (ec || results.empty()) {
      throw std::runtime_error("cannot resolve " + address.toString() + ": " + ec.message());
    }
    return results.begin()->endpoint();
  }

  // The first worker binds (with port 0 the kernel picks one); the others join its port.
  uint16_t listenOnAllWorkers(const HostPort& address, const Router& router) {
    tcp::endpoint endpoint = resolve(address);
    try {
      // A port the kernel picks is free; a given one may be another sidecar's.
      if (endpoint.port() != 0) checkPortIsFree(control_.get_executor(), endpoint);
      for (auto& worker : workers_) endpoint.port(worker->listen(endpoint, router));
    } catch (const boost::system::system_error& e) {
      throw std::runtime_error("cannot listen on " + address.toString() + ": " +
                               describeListenFailure(e.code()));
    }
    return endpoint.port();
  }

  std::unique_ptr<AdminServer> openAdminServer(AdminSources sources) {
    try {
      return std::make_unique<AdminServer>(control_, resolve(options_.admin), std::move(sources));
    } catch (const boost::system::system_error& e) {
      throw std::runtime_error("cannot listen on " + options_.admin.toString() + ": " +
                               describeListenFailure(e.code()));
    }
  }

  void logStart(const std::string& ports) const {
    const mesh_module& module = state_->module;
    std::string summary = ports;
    std::replace(summary.begin(), summary.end(), '\n', ' ');
    spdlog::info("sidecar for workload {} (mesh {}, policy {}) with {} worker(s): {}",
                 module.workload, module.mesh_name, module.policy_digest, workers_.size(), summary);
    if (!inboundRouter_) spdlog::info("no local service and no --app: inbound listener is off");
    logMutualTls();
  }

  void logMutualTls() const {
    const mesh_module& module = state_->module;
    const std::shared_ptr<const TlsCredentials> credentials = state_->credentials();
    std::vector<std::string_view> secured;
    for (uint32_t i = 0; i < module.service_count; ++i) {
      if (originatesMutualTls(module.services[i])) secured.push_back(module.services[i].name);
    }
    if (!credentials) {
      spdlog::info("no --certs: plaintext only (inbound mtls {})", nameOf(inboundMode(module)));
      return;
    }
    spdlog::info(
        "mutual TLS as {} (certificate {}, until {:%Y-%m-%d %H:%M:%S} UTC): inbound {}, outbound "
        "to {}",
        credentials->principal(), credentials->files().certificate,
        std::chrono::floor<std::chrono::seconds>(credentials->notAfter()),
        inboundRouter_ ? nameOf(inboundMode(module)) : "off",
        secured.empty() ? std::string("no service") : fmt::format("{}", fmt::join(secured, ", ")));
  }

  void waitForSignal() {
    signals_.async_wait([this](const boost::system::error_code& ec, int signal) {
      if (ec) return;
      if (state_->draining()) {
        forceStop(fmt::format("signal {} during drain", signal));
        return;
      }
      spdlog::info("signal {}: draining for up to {} s", signal, options_.drainTimeoutSeconds);
      state_->drainFlag.store(true);
      for (auto& worker : workers_) worker->beginDrain();
      drainTimer_.expires_after(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
          std::chrono::duration<double>(options_.drainTimeoutSeconds)));
      drainTimer_.async_wait([this](const boost::system::error_code& timerError) {
        if (!timerError) forceStop("drain timeout");
      });
      waitForSignal();  // a second signal cuts the drain short
    });
  }

  // SIGHUP re-reads the endpoints file and the certificate, and so does a change to either. A
  // file that does not parse changes nothing: the error is logged and the sidecar keeps serving
  // with what it has.
  void waitForReload() {
    reloadSignal_.async_wait([this](const boost::system::error_code& ec, int) {
      if (ec) return;
      if (!options_.endpointsFile.empty() || !credentialsReloader_) {
        reloadEndpoints(ReloadTrigger::kSignal);
      }
      if (credentialsReloader_) credentialsReloader_->reload("SIGHUP");
      waitForReload();
    });
  }

  void watchEndpointsFile() {
    if (options_.endpointsFile.empty()) return;
    try {
      endpointsWatch_ = std::make_unique<FileWatch>(control_, options_.endpointsFile, [this] {
        reloadEndpoints(ReloadTrigger::kFileChange);
      });
      endpointsWatch_->start();
    } catch (const std::exception& e) {
      spdlog::warn("not watching {} ({}): SIGHUP reloads it", options_.endpointsFile, e.what());
    }
  }

  void reloadEndpoints(ReloadTrigger trigger) {
    const std::string_view why = describe(trigger);
    if (options_.endpointsFile.empty()) {
      spdlog::warn("{}: no --endpoints file to reload", why);
      return;
    }
    std::shared_ptr<const ClusterTable> table;
    try {
      std::string text = readEndpointsFile(options_.endpointsFile);
      // A watch wakes for any file of the directory; a signal always reloads.
      if (trigger == ReloadTrigger::kFileChange && text == endpointsText_) return;
      endpointsText_ = std::move(text);
      const std::vector<EndpointsFileEntry> entries =
          endpointsFor(state_->module, options_.endpointsFile, endpointsText_);
      table =
          std::make_shared<const ClusterTable>(state_->module, entries, options_.app, endpointIds_);
    } catch (const std::exception& e) {
      spdlog::error("{}: keeping the current endpoints: {}", why, e.what());
      return;
    }
    state_->publish(table);
    // A copy each: route decisions count references on the table, and a shared count would
    // bounce between cores on every request.
    for (auto& worker : workers_) worker->adopt(std::make_shared<const ClusterTable>(*table));
    spdlog::info("{}: endpoints reloaded from {}", why, options_.endpointsFile);
  }

  void forceStop(const std::string& reason) {
    size_t open = 0;
    for (const auto& worker : workers_) open += worker->openConnections();
    spdlog::warn("{}: cutting {} connection(s) still open", reason, open);
    for (auto& worker : workers_) worker->stop();
  }

  void onWorkerExit() {
    if (--runningWorkers_ > 0) return;
    spdlog::info("all workers finished, exiting");
    control_.stop();
  }

  const SidecarOptions& options_;
  std::unique_ptr<SidecarState> state_;
  EndpointIds endpointIds_;    // on the main thread only: reloads keep an address's id
  std::string endpointsText_;  // the endpoints file as last read
  std::vector<std::unique_ptr<StatsShard>> shards_;
  std::unique_ptr<Router> outboundRouter_;
  std::unique_ptr<Router> inboundRouter_;
  asio::io_context control_{1};  // admin server, signals and the drain timer: the main thread
  std::vector<std::unique_ptr<Worker>> workers_;
  std::unique_ptr<AdminServer> admin_;
  asio::signal_set signals_;
  asio::signal_set reloadSignal_;
  asio::steady_timer drainTimer_;
  std::unique_ptr<FileWatch> endpointsWatch_;
  std::unique_ptr<CredentialsReloader> credentialsReloader_;
  size_t runningWorkers_ = 0;
};

}  // namespace

int runSidecar(const mesh_module& module, const SidecarOptions& options) {
  // Sockets are written with MSG_NOSIGNAL; this guards any other write to a closed peer.
  std::signal(SIGPIPE, SIG_IGN);
  std::vector<EndpointsFileEntry> overrides;
  std::unique_ptr<SidecarState> state;
  EndpointIds ids;
  std::string endpointsText;
  std::shared_ptr<const TlsCredentials> credentials;
  try {
    if (!options.certsDir.empty()) {
      credentials = std::make_shared<const TlsCredentials>(
          certificateFilesIn(options.certsDir, module.trust_domain, module.workload),
          module.principal, module.trust_domain);
    } else if (const std::optional<std::string> requirement = credentialsRequirement(module)) {
      throw std::runtime_error(*requirement + ": start it with --certs DIR (`meshc certs`)");
    }
    if (!options.endpointsFile.empty()) {
      endpointsText = readEndpointsFile(options.endpointsFile);
      overrides = endpointsFor(module, options.endpointsFile, endpointsText);
    }
    const auto streamIdle = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::duration<double>(options.streamIdleTimeoutSeconds));
    state = std::make_unique<SidecarState>(
        module, std::make_shared<const ClusterTable>(module, overrides, options.app, ids),
        streamIdle, options.maxRequestHeaders, std::move(credentials));
  } catch (const std::exception& e) {
    spdlog::error("{}", e.what());
    return kConfigError;
  }
  Sidecar sidecar(options, std::move(state), std::move(ids), std::move(endpointsText));
  return sidecar.run();
}

}  // namespace mesh
