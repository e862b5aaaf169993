// pledge-bootstrap -f actors.yaml: loads actor plugins and runs a thread pool per actor against
// pledge-server until SIGTERM or SIGINT, then stops gracefully (finishes and releases the tasks
// it holds).
#include <pthread.h>
#include <signal.h>

#include <spdlog/spdlog.h>

#include "pledge/log_format.h"

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <iostream>

#include "pledge/actor_runner.h"
#include "pledge/bootstrap/bootstrap_config.h"
#include "pledge/bootstrap/plugin_loader.h"
#include "pledge/rest_client.h"

int main(int argc, char** argv) {
  using namespace pledge;
  CLI::App app{"pledge-bootstrap: runs workers and deciders from actor plugins"};
  std::string configPath;
  std::vector<std::string> servers;
  app.add_option("-f,--file", configPath, "actors.yaml: servers, plugins, actors")->required();
  app.add_option("--server", servers, "server URL; replaces the servers of the file (repeatable)");
  std::string token;
  app.add_option("--token", token,
                 "API token; replaces the file's token: (default: the file's, else $PLEDGE_TOKEN)");
  std::string logFormat;
  app.add_option("--log-format", logFormat,
                 "text, or json: one object per line (replaces the file's log: format:)")
      ->check(CLI::IsMember({"text", "json"}));
  CLI11_PARSE(app, argc, argv);

  bootstrap::BootstrapConfig config;
  try {
    config = bootstrap::parseBootstrapConfig(configPath);
  } catch (const bootstrap::ConfigError& error) {
    std::cerr << "pledge-bootstrap: " << error.what() << "\n";
    return 2;
  }
  if (!servers.empty()) config.servers = servers;
  if (!token.empty()) {
    config.token = token;
  } else if (const char* fromEnvironment = std::getenv("PLEDGE_TOKEN");
             config.token.empty() && fromEnvironment != nullptr) {
    config.token = fromEnvironment;
  }
  spdlog::set_level(spdlog::level::from_str(config.logLevel));
  if (!logFormat.empty()) config.logFormat = logFormat;
  pledge::setLogFormat(config.logFormat, "bootstrap",
                       "%Y-%m-%d %H:%M:%S.%e %^%l%$ [bootstrap] %v");

  // Signals are taken by sigwait below, not by whichever thread they hit.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  // The one place where start-up errors are caught.
  try {
    RestClient::setIoThreads(4);
    // The registry holds code of the plugins: it must go before they are unloaded.
    bootstrap::PluginLoader plugins;
    ActorRegistry registry;
    for (const std::string& plugin : config.plugins) {
      std::vector<std::string> functions = plugins.load(plugin, registry);
      spdlog::info("loaded {} ({} IDL file(s))", plugin, functions.size());
    }
    RestClient client(config.servers,
                      RestClientOptions{.token = config.token, .caFile = config.caFile});
    ActorRunner runner(registry, client, config.actors, RunnerOptions{.pollWait = config.pollWait});
    runner.start();
    spdlog::info("running {} actor pool(s) against {}", config.actors.size(),
                 config.servers.front());
    int received = 0;
    sigwait(&signals, &received);
    spdlog::info("signal {}: stopping gracefully (finishing and releasing held tasks)", received);
    runner.stop();
    RunnerStats stats = runner.stats();
    spdlog::info("stopped: {} task(s) run, {} failed, {} released, {} refused", stats.executed,
                 stats.failed, stats.released, stats.rejected);
  } catch (const std::exception& error) {
    spdlog::critical("{}", error.what());
    return 1;
  }
  return 0;
}
