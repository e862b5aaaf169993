// pledge-server: the engine, its store and REST API v1 on one port.
#include <spdlog/spdlog.h>

#include <unistd.h>

#include <fstream>
#include <iostream>

#include "pledge/server/cluster.h"
#include "pledge/server/engine.h"
#include "pledge/server/http_server.h"
#include "pledge/server/metrics.h"
#include "pledge/server/pg_store.h"
#include "pledge/server/rest_api.h"
#include "pledge/server/server_config.h"
#include "pledge/server/store.h"

namespace {

std::string hostName() {
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) != 0 || name[0] == '\0') return "pledge";
  return name;
}

}  // namespace

int main(int argc, char** argv) {
  using namespace pledge::server;
  ServerConfig config;
  try {
    config = parseServerConfig(argc, argv);
  } catch (const HelpRequested& help) {
    std::cout << help.what();
    return 0;
  } catch (const ConfigError& error) {
    std::cerr << "pledge-server: " << error.what() << "\n";
    return 2;
  }
  spdlog::set_level(spdlog::level::from_str(config.logLevel));
  spdlog::set_pattern("%Y-%m-%d %H:%M:%S.%e %^%l%$ %v");
  // The one place where start-up errors are caught.
  try {
    Metrics metrics;
    std::unique_ptr<RestApi> api;
    HttpServer server(HttpServerOptions{.address = config.address,
                                        .port = config.port,
                                        .maxBodyBytes = config.maxBodyBytes,
                                        .threads = config.ioThreads,
                                        .maxConnections = config.maxConnections,
                                        .idleTimeout = std::chrono::milliseconds(config.idleTimeoutMs),
                                        .headerTimeout = std::chrono::milliseconds(config.headerTimeoutMs),
                                        .bodyTimeout = std::chrono::milliseconds(config.bodyTimeoutMs)},
                      [&api](HttpRequest&& request, Responder respond) {
                        api->handle(std::move(request), std::move(respond));
                      });
    const std::string host = config.address == "0.0.0.0" ? "127.0.0.1" : config.address;
    const std::string url = !config.advertiseUrl.empty() ? config.advertiseUrl
                                                         : "http://" + host + ":" + std::to_string(server.port());
    if (config.nodeName.empty()) config.nodeName = hostName() + ":" + std::to_string(server.port());
    std::unique_ptr<Store> opened = openStore(config.storeUrl(), config.partitions);
    Store& store = *opened;
    Engine engine(std::move(opened),
                  EngineOptions{.nodeName = config.nodeName,
                                .defaultTimeoutMs = config.defaultTimeoutMs,
                                .dormantAfterMs = config.dormantAfterMs,
                                .leaseWriteDelayMs = config.leaseWriteDelayMs,
                                .maxParkedRequests = config.maxWaitingRequests,
                                .maxQueues = config.maxQueues},
                  &metrics);
    Cluster cluster(store, engine, ClusterOptions{.nodeName = config.nodeName, .address = url, .leaseMs = config.leaseMs});
#ifdef PLEDGE_CONSOLE_DIR
    const std::string builtConsole = PLEDGE_CONSOLE_DIR;
#else
    const std::string builtConsole;
#endif
    api = std::make_unique<RestApi>(
        engine, metrics,
        RestApiOptions{.nodeName = config.nodeName,
                       .address = url,
                       .consoleDir = config.consoleDir.empty() ? builtConsole : config.consoleDir},
        &cluster);
    // A stopping cluster node first hands its partitions over (what it did to them committed),
    // then answers what waits; requests arriving meanwhile are forwarded to the new owners.
    server.onShutdownSignal([&engine, &cluster] {
      cluster.stop();
      engine.shutdown();
    });
    if (cluster.shared() && config.advertiseUrl.empty() && config.address == "0.0.0.0") {
      spdlog::warn("this node tells the others to reach it at {}, which works on this machine only; "
                   "set --advertise-url to an address they can reach",
                   url);
    }
    cluster.start();
    if (config.portFile) {
      std::ofstream(*config.portFile) << server.port() << "\n";
    }
    spdlog::info("pledge-server {} listening on {} (store {}, {} partitions{})", config.nodeName, url,
                 PgStore::redact(config.storeUrl()), engine.partitions(),
                 cluster.shared() ? ", shared by a cluster" : "");
    server.run();
    cluster.stop();
    engine.shutdown();
    spdlog::info("pledge-server stopped");
  } catch (const std::exception& error) {
    spdlog::critical("{}", error.what());
    return 1;
  }
  return 0;
}
