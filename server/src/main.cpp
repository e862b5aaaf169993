// pledge-server: the engine, its store and REST API v1 on one port.
#include <spdlog/spdlog.h>

#include <fstream>
#include <iostream>

#include "pledge/server/engine.h"
#include "pledge/server/http_server.h"
#include "pledge/server/metrics.h"
#include "pledge/server/rest_api.h"
#include "pledge/server/server_config.h"
#include "pledge/server/store.h"

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
    Engine engine(openStore(config.storeUrl(), config.partitions),
                  EngineOptions{.nodeName = config.nodeName,
                                .defaultTimeoutMs = config.defaultTimeoutMs,
                                .dormantAfterMs = config.dormantAfterMs}, &metrics);
    std::unique_ptr<RestApi> api;
    HttpServer server(HttpServerOptions{.address = config.address,
                                        .port = config.port,
                                        .maxBodyBytes = config.maxBodyBytes,
                                        .threads = config.ioThreads},
                      [&api](HttpRequest&& request, Responder respond) {
                        api->handle(std::move(request), std::move(respond));
                      });
    const std::string host = config.address == "0.0.0.0" ? "127.0.0.1" : config.address;
    const std::string url = "http://" + host + ":" + std::to_string(server.port());
#ifdef PLEDGE_CONSOLE_DIR
    const std::string builtConsole = PLEDGE_CONSOLE_DIR;
#else
    const std::string builtConsole;
#endif
    api = std::make_unique<RestApi>(
        engine, metrics,
        RestApiOptions{.nodeName = config.nodeName,
                       .address = url,
                       .consoleDir = config.consoleDir.empty() ? builtConsole : config.consoleDir});
    server.onShutdownSignal([&engine] { engine.shutdown(); });
    if (config.portFile) {
      std::ofstream(*config.portFile) << server.port() << "\n";
    }
    spdlog::info("pledge-server {} listening on {} (store {}, {} partitions)", config.nodeName, url,
                 config.storeUrl(), engine.partitions());
    server.run();
    engine.shutdown();
    spdlog::info("pledge-server stopped");
  } catch (const std::exception& error) {
    spdlog::critical("{}", error.what());
    return 1;
  }
  return 0;
}
