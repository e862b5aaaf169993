#include "pledge/server/node/server_config.h"

#include <CLI/CLI.hpp>
#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <array>
#include <fstream>
#include <sstream>
#include <variant>

#include <fmt/format.h>

namespace pledge::server {
namespace {

// One setting: its key (the flag is --key), what it is, and the field it sets.
struct Setting {
  const char* key;
  const char* help;
  std::variant<std::string ServerConfig::*, std::optional<std::string> ServerConfig::*,
               int ServerConfig::*, std::uint16_t ServerConfig::*, std::int64_t ServerConfig::*,
               std::size_t ServerConfig::*>
      field;
};

const std::array kSettings = {
    Setting{"address", "address to listen on", &ServerConfig::address},
    Setting{"port", "port to listen on (0: pick a free one)", &ServerConfig::port},
    Setting{"data-dir", "folder of the embedded store", &ServerConfig::dataDir},
    Setting{"store",
            "store URL: sqlite:<folder>, or postgresql://user@host:port/db (shared by a cluster)",
            &ServerConfig::store},
    Setting{"node-name", "name of this node, unique in a cluster (default: <host name>:<port>)",
            &ServerConfig::nodeName},
    Setting{"partitions", "partitions of the process space (stored with the data)",
            &ServerConfig::partitions},
    Setting{"max-body-bytes", "largest request body", &ServerConfig::maxBodyBytes},
    Setting{"io-threads", "HTTP threads", &ServerConfig::ioThreads},
    Setting{"log-level", "trace, debug, info, warn, error", &ServerConfig::logLevel},
    Setting{"default-timeout-ms", "lease of tasks that set no timeoutMs",
            &ServerConfig::defaultTimeoutMs},
    Setting{"dormant-after-ms", "processes whose next task is due later leave memory (0: never)",
            &ServerConfig::dormantAfterMs},
    Setting{"lease-ms",
            "partition lease of a cluster node: a dead node's partitions move this long after",
            &ServerConfig::leaseMs},
    Setting{"advertise-url",
            "URL other nodes and clients reach this node at (default: http://<address>:<port>, "
            "127.0.0.1 "
            "when listening on 0.0.0.0)",
            &ServerConfig::advertiseUrl},
    Setting{"lease-write-delay-ms",
            "a task lease is written once it is this old (0: at once); a crash hands younger ones "
            "out again "
            "at once",
            &ServerConfig::leaseWriteDelayMs},
    Setting{"max-connections", "open connections at most; one more is answered 503 and closed",
            &ServerConfig::maxConnections},
    Setting{"idle-timeout-ms", "a keep-alive connection waits this long for the next request",
            &ServerConfig::idleTimeoutMs},
    Setting{"header-timeout-ms",
            "a request's header must arrive within this long of its first byte",
            &ServerConfig::headerTimeoutMs},
    Setting{"body-timeout-ms",
            "a request's body must arrive (and its answer be taken) within this long",
            &ServerConfig::bodyTimeoutMs},
    Setting{"max-waiting-requests",
            "long polls and result waits held at once; one more is answered 429",
            &ServerConfig::maxWaitingRequests},
    Setting{"max-queues",
            "queues (actor and task list pairs) a node tracks; a poll or task adding one more "
            "is answered 429",
            &ServerConfig::maxQueues},
};

void checkRange(std::string_view key, std::int64_t value, std::int64_t low, std::int64_t high) {
  if (value < low || value > high)
    throw ConfigError(fmt::format("{}: must be {} to {}, got {}", key, low, high, value));
}

void checkConfig(const ServerConfig& config) {
  checkRange("partitions", config.partitions, 1, 4096);
  checkRange("io-threads", config.ioThreads, 1, 64);
  if (config.maxBodyBytes < 1024) {
    throw ConfigError(
        fmt::format("max-body-bytes: must be at least 1024, got {}", config.maxBodyBytes));
  }
  if (config.dormantAfterMs < 0) {
    throw ConfigError(
        fmt::format("dormant-after-ms: must not be negative, got {}", config.dormantAfterMs));
  }
  checkRange("lease-write-delay-ms", config.leaseWriteDelayMs, 0, 60'000);
  checkRange("lease-ms", config.leaseMs, 1'000, 600'000);
  if (!config.advertiseUrl.empty() && !config.advertiseUrl.starts_with("http://") &&
      !config.advertiseUrl.starts_with("https://")) {
    throw ConfigError(
        fmt::format("advertise-url: expected a URL like http://10.0.0.5:8080, got \"{}\"",
                    config.advertiseUrl));
  }
  if (config.defaultTimeoutMs < 1) {
    throw ConfigError(
        fmt::format("default-timeout-ms: must be positive, got {}", config.defaultTimeoutMs));
  }
  checkRange("max-connections", static_cast<std::int64_t>(config.maxConnections), 1, 1'000'000);
  checkRange("idle-timeout-ms", config.idleTimeoutMs, 100, 86'400'000);
  checkRange("header-timeout-ms", config.headerTimeoutMs, 100, 3'600'000);
  checkRange("body-timeout-ms", config.bodyTimeoutMs, 100, 3'600'000);
  checkRange("max-waiting-requests", static_cast<std::int64_t>(config.maxWaitingRequests), 1,
             10'000'000);
  checkRange("max-queues", static_cast<std::int64_t>(config.maxQueues), 1, 10'000'000);
  static constexpr std::array kLevels = {"trace", "debug",    "info", "warn",
                                         "error", "critical", "off"};
  if (std::find(kLevels.begin(), kLevels.end(), config.logLevel) == kLevels.end()) {
    throw ConfigError(fmt::format(
        "log-level: expected trace, debug, info, warn, error, critical or off, got \"{}\"",
        config.logLevel));
  }
}

}  // namespace

void applyConfigText(const std::string& text, const std::string& path, ServerConfig& config) {
  YAML::Node root;
  try {
    root = YAML::Load(text);
  } catch (const YAML::Exception& error) {
    throw ConfigError(
        fmt::format("{}:{}: YAML syntax error: {}", path, error.mark.line + 1, error.msg));
  }
  if (root.IsNull()) return;
  if (!root.IsMap()) throw ConfigError(fmt::format("{}:1: expected a map of settings", path));
  for (auto it = root.begin(); it != root.end(); ++it) {
    const int line = it->first.Mark().line + 1;
    if (!it->first.IsScalar())
      throw ConfigError(fmt::format("{}:{}: expected a setting name", path, line));
    const std::string key = it->first.Scalar();
    const YAML::Node value = it->second;
    auto fail = [&](const std::string& problem) -> ConfigError {
      return ConfigError(fmt::format("{}:{}: {}: {}", path, line, key, problem));
    };
    auto setting = std::find_if(kSettings.begin(), kSettings.end(),
                                [&](const Setting& s) { return s.key == key; });
    if (setting == kSettings.end()) {
      std::string known;
      for (const Setting& s : kSettings) known += (known.empty() ? "" : ", ") + std::string(s.key);
      throw fail("unknown key (expected one of: " + known + ")");
    }
    if (!value.IsScalar()) throw fail("expected a single value");
    try {
      std::visit(
          [&](auto member) {
            using Field = std::remove_reference_t<decltype(config.*member)>;
            if constexpr (std::is_same_v<Field, std::optional<std::string>>) {
              config.*member = value.as<std::string>();
            } else {
              config.*member = value.as<Field>();
            }
          },
          setting->field);
    } catch (const YAML::BadConversion&) {
      throw fail(fmt::format("\"{}\" is not a valid value", value.Scalar()));
    }
  }
}

void applyConfigFile(const std::string& path, ServerConfig& config) {
  std::ifstream in(path);
  if (!in) throw ConfigError(fmt::format("{}: cannot read the config file", path));
  std::ostringstream text;
  text << in.rdbuf();
  applyConfigText(text.str(), path, config);
}

ServerConfig parseServerConfig(int argc, const char* const* argv) {
  ServerConfig config;
  CLI::App app{"pledge-server: stores processes durably and hands their tasks to workers"};
  std::string configFile;
  ServerConfig flags = config;
  auto* configOption =
      app.add_option("--config", configFile, "YAML file with the same keys as these flags");
  std::vector<std::pair<const Setting*, CLI::Option*>> options;
  for (const Setting& setting : kSettings) {
    std::visit(
        [&](auto member) {
          CLI::Option* option =
              app.add_option(std::string("--") + setting.key, flags.*member, setting.help);
          using Field = std::remove_reference_t<decltype(flags.*member)>;
          if constexpr (!std::is_same_v<Field, std::optional<std::string>>)
            option->capture_default_str();
          options.emplace_back(&setting, option);
        },
        setting.field);
  }
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
  // Flags given on the command line win over the file.
  for (const auto& [setting, option] : options) {
    if (option->count() == 0) continue;
    std::visit([&](auto member) { config.*member = flags.*member; }, setting->field);
  }
  config.portFile = flags.portFile;
  config.consoleDir = flags.consoleDir;
  checkConfig(config);
  return config;
}

}  // namespace pledge::server
