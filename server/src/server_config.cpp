#include "pledge/server/server_config.h"

#include <CLI/CLI.hpp>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <array>
#include <fmt/format.h>

namespace pledge::server {
namespace {

constexpr std::array kKeys = {"address",    "port",           "data-dir",   "store",
                              "node-name",  "partitions",     "max-body-bytes", "io-threads",
                              "log-level",  "default-timeout-ms", "dormant-after-ms", "lease-ms",
                              "advertise-url", "lease-write-delay-ms"};

void checkConfig(const ServerConfig& config) {
  if (config.partitions < 1 || config.partitions > 4096) {
    throw ConfigError(fmt::format("partitions: must be 1 to 4096, got {}", config.partitions));
  }
  if (config.ioThreads < 1 || config.ioThreads > 64) {
    throw ConfigError(fmt::format("io-threads: must be 1 to 64, got {}", config.ioThreads));
  }
  if (config.maxBodyBytes < 1024) {
    throw ConfigError(fmt::format("max-body-bytes: must be at least 1024, got {}", config.maxBodyBytes));
  }
  if (config.dormantAfterMs < 0) {
    throw ConfigError(fmt::format("dormant-after-ms: must not be negative, got {}", config.dormantAfterMs));
  }
  if (config.leaseWriteDelayMs < 0 || config.leaseWriteDelayMs > 60'000) {
    throw ConfigError(
        fmt::format("lease-write-delay-ms: must be 0 to 60000, got {}", config.leaseWriteDelayMs));
  }
  if (config.leaseMs < 1'000 || config.leaseMs > 600'000) {
    throw ConfigError(fmt::format("lease-ms: must be 1000 to 600000, got {}", config.leaseMs));
  }
  if (!config.advertiseUrl.empty() && !config.advertiseUrl.starts_with("http://") &&
      !config.advertiseUrl.starts_with("https://")) {
    throw ConfigError(fmt::format("advertise-url: expected a URL like http://10.0.0.5:8080, got \"{}\"",
                                  config.advertiseUrl));
  }
  if (config.defaultTimeoutMs < 1) {
    throw ConfigError(fmt::format("default-timeout-ms: must be positive, got {}", config.defaultTimeoutMs));
  }
  static constexpr std::array kLevels = {"trace", "debug", "info", "warn", "error", "critical", "off"};
  if (std::find(kLevels.begin(), kLevels.end(), config.logLevel) == kLevels.end()) {
    throw ConfigError(fmt::format(
        "log-level: expected trace, debug, info, warn, error, critical or off, got \"{}\"",
        config.logLevel));
  }
}

}  // namespace

void applyConfigFile(const std::string& path, ServerConfig& config) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(path);
  } catch (const YAML::BadFile&) {
    throw ConfigError(fmt::format("{}: cannot read the config file", path));
  } catch (const YAML::Exception& error) {
    throw ConfigError(fmt::format("{}:{}: YAML syntax error: {}", path, error.mark.line + 1, error.msg));
  }
  if (root.IsNull()) return;
  if (!root.IsMap()) throw ConfigError(fmt::format("{}:1: expected a map of settings", path));
  for (auto it = root.begin(); it != root.end(); ++it) {
    const std::string key = it->first.Scalar();
    const int line = it->first.Mark().line + 1;
    const YAML::Node value = it->second;
    auto fail = [&](const std::string& problem) -> ConfigError {
      return ConfigError(fmt::format("{}:{}: {}: {}", path, line, key, problem));
    };
    if (std::find(kKeys.begin(), kKeys.end(), key) == kKeys.end()) {
      std::string known;
      for (const char* name : kKeys) known += (known.empty() ? "" : ", ") + std::string(name);
      throw fail("unknown key (expected one of: " + known + ")");
    }
    if (!value.IsScalar()) throw fail("expected a single value");
    try {
      if (key == "address") config.address = value.as<std::string>();
      if (key == "port") config.port = value.as<std::uint16_t>();
      if (key == "data-dir") config.dataDir = value.as<std::string>();
      if (key == "store") config.store = value.as<std::string>();
      if (key == "node-name") config.nodeName = value.as<std::string>();
      if (key == "partitions") config.partitions = value.as<int>();
      if (key == "max-body-bytes") config.maxBodyBytes = value.as<std::size_t>();
      if (key == "io-threads") config.ioThreads = value.as<int>();
      if (key == "log-level") config.logLevel = value.as<std::string>();
      if (key == "default-timeout-ms") config.defaultTimeoutMs = value.as<std::int64_t>();
      if (key == "dormant-after-ms") config.dormantAfterMs = value.as<std::int64_t>();
      if (key == "lease-ms") config.leaseMs = value.as<std::int64_t>();
      if (key == "advertise-url") config.advertiseUrl = value.as<std::string>();
      if (key == "lease-write-delay-ms") config.leaseWriteDelayMs = value.as<std::int64_t>();
    } catch (const YAML::BadConversion&) {
      throw fail(fmt::format("\"{}\" is not a valid value", value.Scalar()));
    }
  }
}

ServerConfig parseServerConfig(int argc, const char* const* argv) {
  ServerConfig config;
  CLI::App app{"pledge-server: stores processes durably and hands their tasks to workers"};
  std::string configFile;
  ServerConfig flags = config;
  auto* configOption = app.add_option("--config", configFile, "YAML file with the same keys as these flags");
  auto* address = app.add_option("--address", flags.address, "address to listen on")->capture_default_str();
  auto* port = app.add_option("--port", flags.port, "port to listen on (0: pick a free one)")->capture_default_str();
  auto* dataDir = app.add_option("--data-dir", flags.dataDir, "folder of the embedded store")->capture_default_str();
  auto* store = app.add_option("--store", flags.store,
                               "store URL: sqlite:<folder>, or postgresql://user@host:port/db (shared by a cluster)");
  auto* nodeName = app.add_option("--node-name", flags.nodeName,
                                  "name of this node, unique in a cluster (default: <host name>:<port>)");
  auto* leaseMs = app.add_option("--lease-ms", flags.leaseMs,
                                 "partition lease of a cluster node: a dead node's partitions move this long after")
                      ->capture_default_str();
  auto* advertiseUrl = app.add_option("--advertise-url", flags.advertiseUrl,
                                      "URL other nodes and clients reach this node at (default: http://<address>:<port>, "
                                      "127.0.0.1 when listening on 0.0.0.0)");
  auto* partitions = app.add_option("--partitions", flags.partitions,
                                    "partitions of the process space (stored with the data)")
                         ->capture_default_str();
  auto* maxBody = app.add_option("--max-body-bytes", flags.maxBodyBytes, "largest request body")
                      ->capture_default_str();
  auto* ioThreads = app.add_option("--io-threads", flags.ioThreads, "HTTP threads")->capture_default_str();
  auto* defaultTimeout = app.add_option("--default-timeout-ms", flags.defaultTimeoutMs,
                                        "lease of tasks that set no timeoutMs")
                            ->capture_default_str();
  auto* dormantAfter = app.add_option("--dormant-after-ms", flags.dormantAfterMs,
                                      "processes whose next task is due later leave memory (0: never)")
                          ->capture_default_str();
  auto* leaseWriteDelay =
      app.add_option("--lease-write-delay-ms", flags.leaseWriteDelayMs,
                     "a task lease is written once it is this old (0: at once); a crash hands younger "
                     "ones out again at once")
          ->capture_default_str();
  auto* logLevel = app.add_option("--log-level", flags.logLevel, "trace, debug, info, warn, error")
                       ->capture_default_str();
  app.add_option("--port-file", flags.portFile, "write the bound port to this file");
  app.add_option("--console-dir", flags.consoleDir, "folder of the web console's built assets");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp&) {
    throw HelpRequested(app.help());
  } catch (const CLI::ParseError& error) {
    throw ConfigError(std::string(error.what()) + " (see --help)");
  }
  if (configOption->count() > 0) applyConfigFile(configFile, config);
  auto given = [](CLI::Option* option) { return option->count() > 0; };
  if (given(address)) config.address = flags.address;
  if (given(port)) config.port = flags.port;
  if (given(dataDir)) config.dataDir = flags.dataDir;
  if (given(store)) config.store = flags.store;
  if (given(nodeName)) config.nodeName = flags.nodeName;
  if (given(advertiseUrl)) config.advertiseUrl = flags.advertiseUrl;
  if (given(partitions)) config.partitions = flags.partitions;
  if (given(maxBody)) config.maxBodyBytes = flags.maxBodyBytes;
  if (given(ioThreads)) config.ioThreads = flags.ioThreads;
  if (given(logLevel)) config.logLevel = flags.logLevel;
  if (given(defaultTimeout)) config.defaultTimeoutMs = flags.defaultTimeoutMs;
  if (given(dormantAfter)) config.dormantAfterMs = flags.dormantAfterMs;
  if (given(leaseMs)) config.leaseMs = flags.leaseMs;
  if (given(leaseWriteDelay)) config.leaseWriteDelayMs = flags.leaseWriteDelayMs;
  config.portFile = flags.portFile;
  config.consoleDir = flags.consoleDir;
  checkConfig(config);
  return config;
}

}  // namespace pledge::server
